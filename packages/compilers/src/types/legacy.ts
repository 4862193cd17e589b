// The hook signatures of the legacy (callback) model, one per point: `module.exports = <hook>`.
// A hook completes by calling `cb` or by the promise it returns (an `async` hook); see README.
import type { WebtaskContext } from '@ext-compilers/core';
import type * as B from './bodies.ts';

/** `cb(error)` or `cb(null, data)`: call once. */
export type HookCallback<T> = (error?: unknown, data?: T) => void;

/** What a hook may return instead of calling back: nothing, or a promise of its data. */
export type HookReturn<T> = void | Promise<T | undefined | void>;

/** A context object with `webtask`, the webtask context (`secrets`, `meta`, `headers`, …). */
export type WithWebtask<C> = C & { webtask: WebtaskContext };

/** client-credentials-exchange: `data.scope` is the token's scope; http(s) URL keys become claims. */
export interface ClientCredentialsExchangeResult {
  scope?: string[] | undefined;
  [claim: string]: unknown;
}

export type ClientCredentialsExchangeHook = (
  client: B.ClientCredentialsExchangeBody['client'],
  scope: string[] | undefined,
  audience: string,
  context: WithWebtask<Record<string, unknown>>,
  cb: HookCallback<ClientCredentialsExchangeResult>,
) => HookReturn<ClientCredentialsExchangeResult>;

/** password-exchange: claims for each token. */
export interface PasswordExchangeResult {
  accessToken?: { scope?: string[]; [claim: string]: unknown };
  idToken?: Record<string, unknown>;
}

export type PasswordExchangeHook = (
  user: B.PasswordExchangeBody['user'],
  client: B.PasswordExchangeBody['client'],
  scope: string[] | undefined,
  audience: string,
  context: WithWebtask<Record<string, unknown>>,
  cb: HookCallback<PasswordExchangeResult>,
) => HookReturn<PasswordExchangeResult>;

/** pre-user-registration: Auth0 reads `user.user_metadata` and `user.app_metadata` only. */
export interface PreUserRegistrationResult {
  user?: { user_metadata?: Record<string, unknown>; app_metadata?: Record<string, unknown> };
}

/** The `(user, context, cb)` shape of the user-registration family; `context` is a copy of the body's. */
export type UserContextHook<Body extends { user: unknown; context: unknown }, Result> = (
  user: Body['user'],
  context: WithWebtask<Body['context']>,
  cb: HookCallback<Result>,
) => HookReturn<Result>;

export type PreUserRegistrationHook = UserContextHook<B.PreUserRegistrationBody, PreUserRegistrationResult>;

/** post-user-registration: Auth0 only logs what it answers. */
export type PostUserRegistrationHook = UserContextHook<B.PostUserRegistrationBody, unknown>;

/** post-change-password: Auth0 ignores what it answers. */
export type PostChangePasswordHook = UserContextHook<B.PostChangePasswordBody, unknown>;

/** send-phone-message: any success means "sent"; a provider's message id is customary. */
export type SendPhoneMessageHook = (
  recipient: string,
  text: string,
  context: WithWebtask<B.SendPhoneMessageBody['context']>,
  cb: HookCallback<unknown>,
) => HookReturn<unknown>;
