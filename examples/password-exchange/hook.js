// password-exchange (retired by Auth0, still served): runs before tokens are issued for the
// resource-owner password grant. Puts the user's roles into the access token and their display
// name into the ID token; refuses users an administrator has suspended.
module.exports = function (user, client, scope, audience, context, cb) {
  const appMetadata = user.app_metadata || {};
  if (appMetadata.suspended) {
    return cb(new Error(`User ${user.id} is suspended`));
  }

  cb(null, {
    accessToken: {
      scope: scope || [],
      'https://api.example.com/roles': appMetadata.roles || [],
    },
    idToken: {
      'https://api.example.com/display_name': user.displayName,
      'https://api.example.com/client': client.name,
    },
  });
};
