// post-change-password, Actions style: the rewrite of hook.js. Refuses to run for a connection it
// was not set up for (so the mistake shows in the logs) and otherwise returns nothing, which the
// compiler answers as `{}`.
exports.onExecutePostChangePassword = async (event) => {
  const expected = event.secrets.CONNECTION_NAME;
  if (expected && event.connection.name !== expected) {
    throw new Error(`Unexpected connection ${event.connection.name} for ${event.user.email}`);
  }
  // A real action would tell the user here (e-mail provider, messaging API) that the password changed.
};
