import { defineExtensibilityPoint, type WebtaskCompiler } from '@ext-compilers/core';
import { clientCredentialsExchange as cce } from './definitions/client-credentials-exchange.ts';
import { passwordExchange as pe } from './definitions/password-exchange.ts';
import { sendPhoneMessage as spm } from './definitions/send-phone-message.ts';
import { userRegistration } from './definitions/user-registration.ts';

/** `(client, scope, audience, context, cb)`; InvalidRequestError, InvalidScopeError, ServerError in scope. */
export const clientCredentialsExchange: WebtaskCompiler = defineExtensibilityPoint(cce);
/** `(user, client, scope, audience, context, cb)`. */
export const passwordExchange: WebtaskCompiler = defineExtensibilityPoint(pe);
/** `(user, context, cb)`; PreUserRegistrationError in scope. */
export const preUserRegistration: WebtaskCompiler = defineExtensibilityPoint(userRegistration('pre-user-registration'));
/** `(user, context, cb)`; PreUserRegistrationError in scope. */
export const postUserRegistration: WebtaskCompiler = defineExtensibilityPoint(userRegistration('post-user-registration'));
/** `(user, context, cb)`; PreUserRegistrationError in scope. */
export const postChangePassword: WebtaskCompiler = defineExtensibilityPoint(userRegistration('post-change-password'));
/** `(recipient, text, context, cb)`; SendPhoneMessageError in scope. */
export const sendPhoneMessage: WebtaskCompiler = defineExtensibilityPoint(spm);
