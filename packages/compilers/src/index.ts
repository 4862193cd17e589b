// The keys are the wt-compiler export names of auth0-ext-compilers: `require('ext-compilers')[key]`.
// The Actions-style compilers are keyed the same way in `ext-compilers/actions`.
export {
  clientCredentialsExchange as 'client-credentials-exchange',
  passwordExchange as 'password-exchange',
  postChangePassword as 'post-change-password',
  postUserRegistration as 'post-user-registration',
  preUserRegistration as 'pre-user-registration',
  sendPhoneMessage as 'send-phone-message',
} from './compilers.ts';
export { generic } from './generic.ts';
// Types for hook authors: signatures, arguments and results of each point, both models.
export type {
  ActionsCacheApi,
  ActionsConnection,
  ActionsRequest,
  ActionsSecrets,
  ActionsUser,
  CacheEntry,
  CacheErrorCode,
  CacheSetOptions,
  CacheWriteResult,
  CredentialsExchangeApi,
  CredentialsExchangeDenyCode,
  CredentialsExchangeEvent,
  OnExecuteCredentialsExchange,
  OnExecutePostChangePassword,
  OnExecutePostUserRegistration,
  OnExecutePreUserRegistration,
  OnExecuteSendPhoneMessage,
  PostChangePasswordApi,
  PostChangePasswordEvent,
  PostUserRegistrationApi,
  PostUserRegistrationEvent,
  PreUserRegistrationApi,
  PreUserRegistrationEvent,
  RegistrationEvent,
  SendPhoneMessageApi,
  SendPhoneMessageEvent,
} from './types/actions.ts';
export type {
  ClientCredentialsExchangeBody,
  ClientInfo,
  ConnectionInfo,
  Metadata,
  PasswordExchangeBody,
  PostChangePasswordBody,
  PostUserRegistrationBody,
  PreUserRegistrationBody,
  RegistrationContext,
  RegistrationUser,
  SendPhoneMessageBody,
} from './types/bodies.ts';
export type { Envelope, ErrorEnvelope, SuccessEnvelope } from './types/envelope.ts';
export type {
  ClientCredentialsExchangeHook,
  ClientCredentialsExchangeResult,
  HookCallback,
  HookReturn,
  PasswordExchangeHook,
  PasswordExchangeResult,
  PostChangePasswordHook,
  PostUserRegistrationHook,
  PreUserRegistrationHook,
  PreUserRegistrationResult,
  SendPhoneMessageHook,
  UserContextHook,
  WithWebtask,
} from './types/legacy.ts';
