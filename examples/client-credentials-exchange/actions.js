// credentials-exchange, Actions style: the rewrite of hook.js. Adds the same namespaced claims
// and refuses the same sensitive scope; the platform gets the same answers.
exports.onExecuteCredentialsExchange = async (event, api) => {
  const metadata = event.client.metadata;

  if (event.transaction.requested_scopes.includes('delete:users') && metadata.can_delete_users !== 'true') {
    // Answers InvalidScopeError, as hook.js does.
    return api.access.deny('invalid_scope', `Client ${event.client.name} may not request delete:users`);
  }

  // The answer's scope is the request's; only claims named by http(s) URLs reach the token.
  api.accessToken.setCustomClaim('https://api.example.com/tier', metadata.tier || 'free');
  api.accessToken.setCustomClaim('https://api.example.com/audience_checked', event.resource_server.identifier);
};
