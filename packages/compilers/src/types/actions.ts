// The Actions model: `exports.onExecute<Trigger> = async (event, api) => {}`. The events follow
// Auth0 Actions' event objects as far as the legacy request body carries their data;
// docs/migrating-to-actions.md gives the source of every field.
import type { Metadata } from './bodies.ts';

/** A record of `api.cache`: `expires_at` in milliseconds since the epoch. */
export interface CacheEntry {
  value: string;
  expires_at: number;
}

/** `api.cache.set` options: lifetimes in milliseconds; given both, the earlier expiry wins. */
export interface CacheSetOptions {
  ttl?: number | undefined;
  expires_at?: number | undefined;
}

/** Why `api.cache.set` or `delete` refused. */
export type CacheErrorCode = 'INVALID_KEY' | 'KEY_TOO_LARGE' | 'INVALID_VALUE' | 'VALUE_TOO_LARGE' | 'INVALID_OPTIONS';

export type CacheWriteResult = { type: 'success'; record?: CacheEntry } | { type: 'error'; code: CacheErrorCode };

/** `api.cache`: per webtask, in memory, bounded (README: Actions cache limits). */
export interface ActionsCacheApi {
  get(key: string): CacheEntry | undefined;
  set(key: string, value: string, options?: CacheSetOptions): CacheWriteResult;
  delete(key: string): CacheWriteResult;
}

/** The Actions' secrets: the webtask's, without the point's own Bearer secrets. */
export type ActionsSecrets = Record<string, string | undefined>;

/** `event.request`: only what the legacy body carries (often nothing). */
export interface ActionsRequest {
  ip?: string;
  user_agent?: string;
  language?: string;
}

/** `event.connection` of the user-registration triggers. */
export interface ActionsConnection {
  id: string;
  name: string;
  strategy?: string;
  metadata?: Record<string, string>;
}

/** `event.user` of the user-registration triggers: the body's user with Actions' field names. */
export interface ActionsUser {
  user_id?: string;
  email?: string;
  email_verified?: boolean;
  username?: string;
  phone_number?: string;
  phone_verified?: boolean;
  user_metadata?: Metadata;
  app_metadata?: Metadata;
  last_password_reset?: string;
}

/** The OAuth error codes of `api.access.deny` in credentials-exchange. */
export type CredentialsExchangeDenyCode = 'invalid_scope' | 'invalid_request' | 'server_error';

export interface CredentialsExchangeEvent {
  accessToken: { customClaims: Record<string, unknown>; scope: string[] };
  client: { client_id: string; name: string; metadata: Record<string, string> };
  request: ActionsRequest;
  resource_server: { identifier: string };
  tenant: { id: string };
  transaction: { requested_scopes: string[] };
  secrets: ActionsSecrets;
}

export interface CredentialsExchangeApi {
  access: { deny(code: CredentialsExchangeDenyCode, reason: string): CredentialsExchangeApi };
  accessToken: { setCustomClaim(name: string, value: unknown): CredentialsExchangeApi };
  cache: ActionsCacheApi;
}

export type OnExecuteCredentialsExchange = (event: CredentialsExchangeEvent, api: CredentialsExchangeApi) => Promise<void> | void;

/** The user-registration triggers' common event. */
export interface RegistrationEvent {
  user: ActionsUser;
  connection: ActionsConnection;
  request: ActionsRequest;
  tenant: { id: string };
  secrets: ActionsSecrets;
}

export type PreUserRegistrationEvent = RegistrationEvent;

export interface PreUserRegistrationApi {
  access: { deny(reason: string, userMessage?: string): PreUserRegistrationApi };
  user: {
    setUserMetadata(name: string, value: unknown): PreUserRegistrationApi;
    setAppMetadata(name: string, value: unknown): PreUserRegistrationApi;
  };
  cache: ActionsCacheApi;
}

export type OnExecutePreUserRegistration = (event: PreUserRegistrationEvent, api: PreUserRegistrationApi) => Promise<void> | void;

export type PostUserRegistrationEvent = RegistrationEvent;
export interface PostUserRegistrationApi {
  cache: ActionsCacheApi;
}
/** What it returns is the logged answer (`{}` for nothing), as a legacy hook's callback value. */
export type OnExecutePostUserRegistration = (event: PostUserRegistrationEvent, api: PostUserRegistrationApi) => unknown;

export type PostChangePasswordEvent = RegistrationEvent;
export interface PostChangePasswordApi {
  cache: ActionsCacheApi;
}
/** What it returns is the answer (`{}` for nothing), as a legacy hook's callback value. */
export type OnExecutePostChangePassword = (event: PostChangePasswordEvent, api: PostChangePasswordApi) => unknown;

export interface SendPhoneMessageEvent {
  message_options: {
    action: 'enrollment' | 'second-factor-authentication';
    code: string;
    language: string;
    message_type: 'sms' | 'voice';
    recipient: string;
    text: string;
  };
  client?: { client_id: string; name: string; metadata: Record<string, string> };
  request: ActionsRequest;
  tenant: { id?: string };
  user?: { user_id?: string; email?: string; name?: string; user_metadata?: Metadata; app_metadata?: Metadata; [field: string]: unknown };
  secrets: ActionsSecrets;
}
export interface SendPhoneMessageApi {
  cache: ActionsCacheApi;
}
/** What it returns is the answer's data (a provider's message id, say), as a legacy hook's callback value. */
export type OnExecuteSendPhoneMessage = (event: SendPhoneMessageEvent, api: SendPhoneMessageApi) => unknown;
