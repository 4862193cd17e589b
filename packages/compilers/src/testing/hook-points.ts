// What the testing helpers know of each point: its compiler and, for an Actions point, the export
// its hook is. The keys are the `wt-compiler` values without `ext-compilers/`.
import type { WebtaskCompiler } from '@ext-compilers/core';
import * as actions from '../actions.ts';
import * as legacy from '../compilers.ts';
import type * as A from '../types/actions.ts';
import type * as B from '../types/bodies.ts';
import type * as L from '../types/legacy.ts';

/** Each point's hook and body types, by the point's name as `runHook` takes it. */
export interface HookPoints {
  'client-credentials-exchange': { hook: L.ClientCredentialsExchangeHook; body: B.ClientCredentialsExchangeBody };
  'password-exchange': { hook: L.PasswordExchangeHook; body: B.PasswordExchangeBody };
  'pre-user-registration': { hook: L.PreUserRegistrationHook; body: B.PreUserRegistrationBody };
  'post-user-registration': { hook: L.PostUserRegistrationHook; body: B.PostUserRegistrationBody };
  'post-change-password': { hook: L.PostChangePasswordHook; body: B.PostChangePasswordBody };
  'send-phone-message': { hook: L.SendPhoneMessageHook; body: B.SendPhoneMessageBody };
  'actions/client-credentials-exchange': { hook: A.OnExecuteCredentialsExchange; body: B.ClientCredentialsExchangeBody };
  'actions/pre-user-registration': { hook: A.OnExecutePreUserRegistration; body: B.PreUserRegistrationBody };
  'actions/post-user-registration': { hook: A.OnExecutePostUserRegistration; body: B.PostUserRegistrationBody };
  'actions/post-change-password': { hook: A.OnExecutePostChangePassword; body: B.PostChangePasswordBody };
  'actions/send-phone-message': { hook: A.OnExecuteSendPhoneMessage; body: B.SendPhoneMessageBody };
}

/** A point `runHook` and `compileHook` serve: a legacy point, or `actions/<point>`. */
export type HookPoint = keyof HookPoints;

const COMPILERS: Record<HookPoint, WebtaskCompiler> = {
  'client-credentials-exchange': legacy.clientCredentialsExchange,
  'password-exchange': legacy.passwordExchange,
  'pre-user-registration': legacy.preUserRegistration,
  'post-user-registration': legacy.postUserRegistration,
  'post-change-password': legacy.postChangePassword,
  'send-phone-message': legacy.sendPhoneMessage,
  'actions/client-credentials-exchange': actions.credentialsExchange,
  'actions/pre-user-registration': actions.preUserRegistration,
  'actions/post-user-registration': actions.postUserRegistration,
  'actions/post-change-password': actions.postChangePassword,
  'actions/send-phone-message': actions.sendPhoneMessage,
};

/** The point's compiler and its hook's export name (undefined: the module's export itself). */
export function hookPoint(point: string): { compiler: WebtaskCompiler; exportName: string | undefined } {
  if (!Object.hasOwn(COMPILERS, point)) throw new TypeError(`Unknown point '${point}': one of ${Object.keys(COMPILERS).join(', ')}`);
  const exportName = point.startsWith('actions/') ? actions.EXPORT_NAMES[point.slice('actions/'.length)] : undefined;
  return { compiler: COMPILERS[point as HookPoint], exportName };
}
