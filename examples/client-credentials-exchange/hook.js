// credentials-exchange: runs before Auth0 issues an access token for the client-credentials grant.
// Adds a namespaced claim and refuses a sensitive scope to clients not marked for it.
module.exports = function (client, scope, audience, context, cb) {
  const metadata = client.metadata || {};
  const requested = scope || [];

  if (requested.includes('delete:users') && metadata.can_delete_users !== 'true') {
    // InvalidScopeError is in scope without a require, like the other error classes of this point.
    return cb(new InvalidScopeError(`Client ${client.name} may not request delete:users`));
  }

  cb(null, {
    scope: requested,
    // Only claims whose names are http(s) URLs outside Auth0's own domains make it into the token.
    'https://api.example.com/tier': metadata.tier || 'free',
    'https://api.example.com/audience_checked': audience,
  });
};
