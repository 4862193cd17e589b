/** A success answer: `data` is absent when the hook answered nothing (except the user-registration points: `{}`). */
export interface SuccessEnvelope {
  statusCode: 200;
  headers: Record<string, never>;
  status: 'success';
  data?: unknown;
}

/** An error answer: every own property of the error (`stack` is the error's real stack for a hook's own errors). */
export interface ErrorEnvelope {
  status: 'error';
  data: { message: string; stack?: string; name?: string; friendlyMessage?: string; [field: string]: unknown };
}

/** What a point answers, always with HTTP 200. */
export type Envelope = SuccessEnvelope | ErrorEnvelope;
