import { type ActionsPointDefinition, returnedValue } from '../../internal/actions-point.ts';
import { userRegistration } from '../user-registration.ts';
import { registrationEvent } from './registration-event.ts';

/** `onExecutePostChangePassword(event, api)`: what it returns is the answer (`{}` for nothing). */
export const postChangePassword: ActionsPointDefinition = {
  legacy: userRegistration('post-change-password'),
  exportName: 'onExecutePostChangePassword',
  event: registrationEvent,
  commands: {},
  reduce: returnedValue,
};
