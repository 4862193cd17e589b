import { type ActionsPointDefinition, returnedValue } from '../../internal/actions-point.ts';
import type { SendPhoneMessageEvent } from '../../types/actions.ts';
import type { SendPhoneMessageBody } from '../../types/bodies.ts';
import { sendPhoneMessage as legacy } from '../send-phone-message.ts';

/**
 * `onExecuteSendPhoneMessage(event, api)`: what it returns is the answer's data (no `data` for
 * nothing), as a legacy hook's callback value; `SendPhoneMessageError` is in scope.
 */
export const sendPhoneMessage: ActionsPointDefinition = {
  legacy,
  exportName: 'onExecuteSendPhoneMessage',
  event: (body, secrets): SendPhoneMessageEvent => {
    const { recipient, text, context } = body as unknown as SendPhoneMessageBody;
    const { action, code, language, message_type, client, user } = context;
    return {
      message_options: { action, code, language, message_type, recipient, text },
      ...(client && { client: { client_id: client.client_id, name: client.name, metadata: client.client_metadata ?? {} } }),
      request: { ip: context.ip, user_agent: context.user_agent },
      tenant: {},
      ...(user && { user }),
      secrets,
    };
  },
  commands: {},
  reduce: returnedValue,
};
