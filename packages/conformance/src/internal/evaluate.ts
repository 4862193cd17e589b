import type { Expectation, ExpectedResponse } from '../types.ts';
import { firstDifference } from './compare.ts';
import { describe, type Observation } from './observation.ts';
import type { SimulatedResponse } from './runtime.ts';

/** Why `observation` does not meet `expectation`, or undefined when it does. */
export function evaluate(expectation: Expectation, observation: Observation): string | undefined {
  if (observation.kind === 'unavailable') return observation.message;
  switch (expectation.kind) {
    case 'answer':
      if (observation.kind !== 'answer') return `expected ${expectation.responses.length} response(s), got ${describe(observation)}`;
      return compareResponses(expectation.responses, observation.responses);
    case 'compile-error':
      if (observation.kind !== 'compile-error') return `expected a compile error, got ${describe(observation)}`;
      return observation.message === expectation.message
        ? undefined
        : `compile error message: expected ${JSON.stringify(expectation.message)}, got ${JSON.stringify(observation.message)}`;
    case 'crash':
    case 'hang':
      return observation.kind === expectation.kind ? undefined : `expected a ${expectation.kind}, got ${describe(observation)}`;
  }
}

function compareResponses(expected: readonly ExpectedResponse[], actual: readonly SimulatedResponse[]): string | undefined {
  if (expected.length !== actual.length) return `expected ${expected.length} response(s), got ${actual.length}`;
  for (let i = 0; i < expected.length; i++) {
    const found = compareResponse(expected[i] as ExpectedResponse, actual[i] as SimulatedResponse);
    if (found) return expected.length > 1 ? `response ${i + 1}: ${found}` : found;
  }
  return undefined;
}

function compareResponse(expected: ExpectedResponse, actual: SimulatedResponse): string | undefined {
  const status = expected.statusCode ?? 200;
  if (actual.statusCode !== status) return `HTTP status: expected ${status}, got ${actual.statusCode} (${actual.payload.slice(0, 200)})`;
  const contentType = String(actual.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(contentType)) return `content-type: expected application/json, got ${JSON.stringify(contentType)}`;
  let payload: unknown;
  try {
    payload = JSON.parse(actual.payload);
  } catch {
    return `payload is not JSON: ${JSON.stringify(actual.payload.slice(0, 200))}`;
  }
  return firstDifference(expected.payload, payload);
}
