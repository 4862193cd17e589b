// The request bodies the platform POSTs to each point, as docs/points/*.md describe them. Fields
// the compilers do not check are typed as Auth0 sends them, and optional where Auth0 may omit them.

/** Metadata objects: whatever JSON the tenant stored. */
export type Metadata = Record<string, unknown>;

/** `client` of the token points. */
export interface ClientInfo {
  id: string;
  name: string;
  tenant: string;
  /** Client metadata: Auth0 stores strings only. */
  metadata: Record<string, string>;
}

/** client-credentials-exchange. */
export interface ClientCredentialsExchangeBody {
  audience: string;
  client: ClientInfo;
  scope?: string[] | undefined;
  context?: Record<string, unknown> | undefined;
}

/** password-exchange (retired by Auth0). */
export interface PasswordExchangeBody {
  audience: string;
  client: ClientInfo;
  scope?: string[] | undefined;
  user: { id: string; tenant: string; user_metadata?: Metadata; app_metadata?: Metadata; [field: string]: unknown };
  context?: Record<string, unknown> | undefined;
}

/** `context.connection` of the user-registration family. */
export interface ConnectionInfo {
  id: string;
  name: string;
  tenant: string;
  [field: string]: unknown;
}

/** `context` of pre- and post-user-registration. */
export interface RegistrationContext {
  requestLanguage?: string | undefined;
  connection: ConnectionInfo;
  [field: string]: unknown;
}

/** The user fields of pre- and post-user-registration bodies. */
export interface RegistrationUser {
  tenant: string;
  username?: string | undefined;
  email?: string | undefined;
  emailVerified?: boolean | undefined;
  phoneNumber?: string | undefined;
  phoneNumberVerified?: boolean | undefined;
  user_metadata?: Metadata | undefined;
  app_metadata?: Metadata | undefined;
}

/** pre-user-registration: the user about to be created, password included. */
export interface PreUserRegistrationBody {
  user: RegistrationUser & { password?: string | undefined };
  context: RegistrationContext;
}

/** post-user-registration: the user just created (with its id, without its password). */
export interface PostUserRegistrationBody {
  user: RegistrationUser & { id: string };
  context: RegistrationContext;
}

/** post-change-password. */
export interface PostChangePasswordBody {
  user: { id: string; username?: string | undefined; email: string; last_password_reset?: string | undefined };
  context: { connection: ConnectionInfo; [field: string]: unknown };
}

/** send-phone-message. */
export interface SendPhoneMessageBody {
  recipient: string;
  text: string;
  context: {
    factor_type?: string | undefined;
    message_type: 'sms' | 'voice';
    action: 'enrollment' | 'second-factor-authentication';
    language: string;
    code: string;
    ip: string;
    user_agent: string;
    client?: { client_id: string; name: string; client_metadata?: Record<string, string> | null | undefined } | undefined;
    user: { user_id?: string; email?: string; name?: string; user_metadata?: Metadata; app_metadata?: Metadata; [field: string]: unknown } | null;
    [field: string]: unknown;
  };
}
