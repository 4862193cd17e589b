import type { ActionsSecrets, RegistrationEvent } from '../../types/actions.ts';
import type { PostUserRegistrationBody } from '../../types/bodies.ts';
import { type Body, renamed } from '../../internal/actions-point.ts';

// Actions' names for the fields of the three user-registration bodies (only those present are set).
const USER = {
  user_id: 'id',
  email: 'email',
  email_verified: 'emailVerified',
  username: 'username',
  phone_number: 'phoneNumber',
  phone_verified: 'phoneNumberVerified',
  user_metadata: 'user_metadata',
  app_metadata: 'app_metadata',
  last_password_reset: 'last_password_reset',
} as const;
const CONNECTION = { id: 'id', name: 'name', strategy: 'strategy', metadata: 'metadata' } as const;

/** The event of pre-user-registration, post-user-registration and post-change-password. */
export function registrationEvent(body: Body, secrets: ActionsSecrets): RegistrationEvent {
  const { user, context } = body as unknown as PostUserRegistrationBody;
  return {
    user: renamed(user, USER),
    connection: renamed(context.connection, CONNECTION) as unknown as RegistrationEvent['connection'],
    request: renamed(context, { language: 'requestLanguage' }),
    tenant: { id: user.tenant ?? context.connection.tenant },
    secrets,
  };
}
