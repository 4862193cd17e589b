import { type ActionsPointDefinition, returnedValue } from '../../internal/actions-point.ts';
import { userRegistration } from '../user-registration.ts';
import { registrationEvent } from './registration-event.ts';

/** `onExecutePostUserRegistration(event, api)`: what it returns is the logged answer (`{}` for nothing). */
export const postUserRegistration: ActionsPointDefinition = {
  legacy: userRegistration('post-user-registration'),
  exportName: 'onExecutePostUserRegistration',
  event: registrationEvent,
  commands: {},
  reduce: returnedValue,
};
