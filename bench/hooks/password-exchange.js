/**
 * Password Exchange (legacy): put the user's roles and plan into the access token, and drop scopes
 * the user's plan does not include.
 */
module.exports = function (user, client, scope, audience, context, cb) {
  const namespace = 'https://example.com/claims/';
  const app = user.app_metadata || {};
  const roles = Array.isArray(app.roles) ? app.roles : [];
  const plan = app.plan || 'free';
  const allowed = {
    free: ['openid', 'profile', 'read:projects'],
    pro: ['openid', 'profile', 'read:projects', 'write:projects'],
  };

  const granted = (scope || []).filter((s) => (allowed[plan] || allowed.free).indexOf(s) !== -1);
  const access_token = { scope: granted };
  access_token[namespace + 'roles'] = roles;
  access_token[namespace + 'plan'] = plan;
  access_token[namespace + 'client'] = client.name;
  access_token[namespace + 'email_verified'] = !!user.email_verified;
  if (audience !== 'https://api.example.com/') {
    access_token[namespace + 'audience_note'] = 'non-default audience';
  }

  cb(null, { accessToken: access_token, idToken: { [namespace + 'plan']: plan } });
};
