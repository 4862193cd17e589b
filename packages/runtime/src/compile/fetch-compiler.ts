import { ExtCompilersError } from '@ext-compilers/core';

/** Limits on downloading a `wt-compiler` URL. */
export interface FetchLimits {
  /** Milliseconds for the whole download, body included. Default 5000. */
  timeout?: number | undefined;
  /** Largest accepted body, in bytes. Default 1 MiB. */
  maxSize?: number | undefined;
}

export const DEFAULT_FETCH_TIMEOUT: number = 5000;
export const DEFAULT_FETCH_MAX_SIZE: number = 1024 * 1024;

/** The source of a compiler served as text at `url`; `ERR_COMPILER_FETCH` for a failed request, a non-2xx status, a timeout or an oversized body. */
export async function fetchCompilerSource(url: string, limits: FetchLimits = {}): Promise<string> {
  const timeout = limits.timeout ?? DEFAULT_FETCH_TIMEOUT;
  const maxSize = limits.maxSize ?? DEFAULT_FETCH_MAX_SIZE;
  const signal = AbortSignal.timeout(timeout);
  try {
    const response = await fetch(url, { signal, redirect: 'follow' });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw fetchError(`The wt-compiler at ${url} answered with HTTP ${response.status}`, { url, status: response.status });
    }
    return await readText(response, url, maxSize);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_COMPILER_FETCH') throw error;
    if (signal.aborted) throw fetchError(`Timed out after ${timeout} ms fetching the wt-compiler at ${url}`, { url, timeout }, error);
    throw fetchError(`Cannot fetch the wt-compiler at ${url}: ${(error as Error).message}`, { url }, error);
  }
}

async function readText(response: Response, url: string, maxSize: number): Promise<string> {
  const tooLarge = (): ExtCompilersError => fetchError(`The wt-compiler at ${url} is larger than ${maxSize} bytes`, { url, limit: maxSize });
  if (Number(response.headers.get('content-length') ?? 0) > maxSize) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body) {
    // Counted as it arrives: a missing or false content-length must not let a large body through.
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      // Throwing out of the loop cancels the stream.
      if (size > maxSize) throw tooLarge();
      chunks.push(chunk);
    }
  }
  return new TextDecoder('utf-8').decode(Buffer.concat(chunks));
}

function fetchError(message: string, details: Record<string, unknown>, cause?: unknown): ExtCompilersError {
  return new ExtCompilersError('ERR_COMPILER_FETCH', message, cause === undefined ? { details } : { details, cause });
}
