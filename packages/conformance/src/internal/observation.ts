import type { SimulatedResponse } from './runtime.ts';

/** What actually happened when a case ran, in-process or in a child process. */
export type Observation =
  | { kind: 'answer'; responses: SimulatedResponse[] }
  | { kind: 'compile-error'; message: string }
  | { kind: 'crash'; message: string; responses: SimulatedResponse[] }
  | { kind: 'hang'; responses: SimulatedResponse[] }
  | { kind: 'unavailable'; message: string };

/** A short description of an observation for a failure message. */
export function describe(observation: Observation): string {
  switch (observation.kind) {
    case 'answer':
      return `${observation.responses.length} response(s)`;
    case 'compile-error':
      return `a compile error (${JSON.stringify(observation.message)})`;
    case 'crash':
      return `a crash (${observation.message})`;
    case 'hang':
      return `no answer after ${observation.responses.length} response(s) (hang)`;
    case 'unavailable':
      return observation.message;
  }
}
