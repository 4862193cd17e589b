/** The keys of a compilers module, as `require('auth0-ext-compilers')` spells them. */
export type PointName =
  | 'generic'
  | 'client-credentials-exchange'
  | 'password-exchange'
  | 'pre-user-registration'
  | 'post-user-registration'
  | 'post-change-password'
  | 'send-phone-message';

/** What a case is about; the CLI and the report group by it. */
export type CaseCategory =
  | 'success'
  | 'validation'
  | 'authorization'
  | 'error-classes'
  | 'callback-errors'
  | 'body'
  | 'context'
  | 'compile'
  | 'arity'
  | 'serialization'
  | 'robustness';

/** One request of a case, handed to webtask-runtime's `simulate()`. */
export interface CaseRequest {
  readonly method: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  /** The raw request body. */
  readonly payload?: string;
  /** `1`: the runtime reads and parses the body; `0`: the compiler reads the stream itself. */
  readonly parseBody: 0 | 1;
}

/** One expected answer: HTTP status (default 200) and the parsed JSON body. */
export interface ExpectedResponse {
  readonly statusCode?: number;
  /** Compared deeply; a `stack` property only has to be a string (see `STACK`). */
  readonly payload: unknown;
}

/**
 * What a case expects to happen:
 * `answer` — one JSON response per request; `compile-error` — the compiler calls back with an error
 * whose `message` is given; `crash` — the process dies of an uncaught exception; `hang` — no answer.
 */
export type Expectation =
  | { readonly kind: 'answer'; readonly responses: readonly ExpectedResponse[] }
  | { readonly kind: 'compile-error'; readonly message: string }
  | { readonly kind: 'crash' }
  | { readonly kind: 'hang' };

/** A case where ext-compilers departs from auth0-ext-compilers on purpose. */
export interface Difference {
  /** What auth0-ext-compilers@6.1.0 does instead (verified under webtask-runtime@2.0.0). */
  readonly reference: Expectation;
  readonly reason: string;
}

/** One conformance case: a script, the secrets it runs with, its requests and what must happen. */
export interface ConformanceCase {
  /** Unique, `<point>: <title>`. */
  readonly id: string;
  readonly point: PointName;
  readonly category: CaseCategory;
  readonly title: string;
  readonly script: string;
  readonly secrets?: Readonly<Record<string, string>>;
  readonly requests: readonly CaseRequest[];
  /** The contract: what ext-compilers does. */
  readonly expect: Expectation;
  readonly difference?: Difference;
}

/** `contract` expects ext-compilers' behaviour; `reference` expects auth0-ext-compilers'. */
export type Profile = 'contract' | 'reference';

/** The outcome of one case. */
export interface CaseResult {
  readonly id: string;
  readonly point: PointName;
  readonly category: CaseCategory;
  readonly passed: boolean;
  /** Why it failed: the first difference between what was expected and what happened. */
  readonly message?: string;
  /** Whether the case ran in a child process (expected crash or hang). */
  readonly isolated: boolean;
}

/** What `runConformance` resolves to. */
export interface Report {
  readonly profile: Profile;
  readonly passed: number;
  readonly failed: number;
  readonly results: readonly CaseResult[];
}
