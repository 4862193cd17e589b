/**
 * Client Credentials Exchange: add namespaced claims about the calling machine client to its
 * access token, and keep the admin scope for clients marked as trusted.
 */
module.exports = function (client, scope, audience, context, cb) {
  const namespace = 'https://example.com/claims/';
  const metadata = client.metadata || {};
  const scopes = scope || [];

  if (scopes.indexOf('admin:all') !== -1 && metadata.trusted !== 'true') {
    return cb(new InvalidScopeError('admin:all is reserved for trusted clients'));
  }
  if (audience.indexOf('https://') !== 0) {
    return cb(new InvalidRequestError('audience must be an https URL'));
  }

  const access_token = { scope: scopes.concat(['read:status']) };
  access_token[namespace + 'client_name'] = client.name;
  access_token[namespace + 'tenant'] = client.tenant;
  access_token[namespace + 'tier'] = metadata.tier || 'free';
  access_token[namespace + 'region'] = audience === 'https://eu.api.example.com/' ? 'eu' : 'us';
  if (context.ip) access_token[namespace + 'ip'] = context.ip;

  cb(null, access_token);
};
