// post-change-password: runs after a Database user changed their password. Auth0 ignores the
// answer; an error only becomes a tenant log entry. This hook refuses to run for a connection it
// was not set up for (so the mistake shows in the logs) and otherwise answers with nothing,
// which the compiler turns into `{}`.
module.exports = function (user, context, cb) {
  const expected = (context.webtask.secrets || {}).CONNECTION_NAME;
  if (expected && context.connection.name !== expected) {
    return cb(new Error(`Unexpected connection ${context.connection.name} for ${user.email}`));
  }
  // A real hook would tell the user here (e-mail provider, messaging API) that the password changed.
  cb();
};
