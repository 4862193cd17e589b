import { InvalidRequestError, InvalidScopeError, ServerError } from '@ext-compilers/core';
import { type ActionsPointDefinition, collect, denial, first } from '../../internal/actions-point.ts';
import type { CredentialsExchangeEvent } from '../../types/actions.ts';
import type { ClientCredentialsExchangeBody } from '../../types/bodies.ts';
import { clientCredentialsExchange } from '../client-credentials-exchange.ts';

// api.access.deny's OAuth codes and the error classes a legacy hook refuses with.
const DENY = { invalid_scope: InvalidScopeError, invalid_request: InvalidRequestError, server_error: ServerError } as const;

/**
 * `onExecuteCredentialsExchange(event, api)`. Answers `{ scope, …claims }` as a legacy hook that
 * calls back with the request's scope and its claims; `deny(code, reason)` answers the code's class.
 */
export const credentialsExchange: ActionsPointDefinition = {
  legacy: clientCredentialsExchange,
  exportName: 'onExecuteCredentialsExchange',
  event: (body, secrets): CredentialsExchangeEvent => {
    const { client, scope, audience } = body as unknown as ClientCredentialsExchangeBody;
    const scopes = Array.isArray(scope) ? scope : [];
    return {
      accessToken: { customClaims: {}, scope: [...scopes] },
      client: { client_id: client.id, name: client.name, metadata: client.metadata ?? {} },
      request: {},
      resource_server: { identifier: audience },
      tenant: { id: client.tenant },
      transaction: { requested_scopes: [...scopes] },
      secrets,
    };
  },
  commands: {
    'access.deny': ([code]) => (Object.hasOwn(DENY, code as string) ? undefined : 'code must be invalid_scope, invalid_request or server_error'),
    // `scope` is the answer's own key: a claim of that name would change the token's scopes.
    'accessToken.setCustomClaim': ([name]) => (typeof name !== 'string' ? 'name must be a string' : name === 'scope' ? 'scope is not a custom claim' : undefined),
  },
  reduce: (commands, body) => {
    const deny = first(commands, 'access.deny');
    if (deny) return { error: denial(new DENY[deny.args[0] as keyof typeof DENY](deny.args[1] as string), deny) };
    return { value: { scope: body.scope, ...collect(commands, 'accessToken.setCustomClaim') } };
  },
};
