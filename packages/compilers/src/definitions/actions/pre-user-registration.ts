import { PreUserRegistrationError } from '@ext-compilers/core';
import { type ActionsPointDefinition, anyArgs, collect, denial, first, namedValue } from '../../internal/actions-point.ts';
import { userRegistration } from '../user-registration.ts';
import { registrationEvent } from './registration-event.ts';

/**
 * `onExecutePreUserRegistration(event, api)`. Answers `{ user: { user_metadata, app_metadata } }`
 * with the keys set (`{}` when none), as a legacy hook would; `deny(reason, userMessage)` answers
 * `PreUserRegistrationError(reason, userMessage)`.
 */
export const preUserRegistration: ActionsPointDefinition = {
  legacy: userRegistration('pre-user-registration'),
  exportName: 'onExecutePreUserRegistration',
  event: registrationEvent,
  commands: { 'access.deny': anyArgs, 'user.setUserMetadata': namedValue, 'user.setAppMetadata': namedValue },
  reduce: (commands) => {
    const deny = first(commands, 'access.deny');
    if (deny) return { error: denial(new PreUserRegistrationError(deny.args[0] as string, deny.args[1] as string), deny) };
    const userMetadata = collect(commands, 'user.setUserMetadata');
    const appMetadata = collect(commands, 'user.setAppMetadata');
    if (!userMetadata && !appMetadata) return { value: undefined };
    return { value: { user: { ...(userMetadata && { user_metadata: userMetadata }), ...(appMetadata && { app_metadata: appMetadata }) } } };
  },
};
