import { genericCases } from './internal/cases/generic.ts';
import { sendPhoneMessageCases } from './internal/cases/send-phone-message.ts';
import { clientCredentialsExchangeCases, passwordExchangeCases } from './internal/cases/token-points.ts';
import { userRegistrationCases } from './internal/cases/user-registration.ts';
import type { ConformanceCase } from './types.ts';

function freeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) freeze(inner);
  }
  return value;
}

/**
 * Every conformance case, frozen, grouped by compiler: generic, client-credentials-exchange,
 * password-exchange, the three user-registration points and send-phone-message. Ids are unique.
 */
export const cases: readonly ConformanceCase[] = freeze([
  ...genericCases(),
  ...clientCredentialsExchangeCases(),
  ...passwordExchangeCases(),
  ...userRegistrationCases('pre-user-registration'),
  ...userRegistrationCases('post-user-registration'),
  ...userRegistrationCases('post-change-password'),
  ...sendPhoneMessageCases(),
]);
