// post-user-registration: runs after Auth0 created a Database or Passwordless user. Auth0 does
// not wait on it to finish the sign-up and only logs what it answers, so the hook answers with a
// summary of what it did: here, which onboarding sequence the new user enters.
module.exports = function (user, context, cb) {
  const sequence = user.emailVerified ? 'onboarding-verified' : 'onboarding-verify-email';
  cb(null, {
    event: 'user.registered',
    user_id: user.id,
    connection: context.connection.name,
    sequence,
  });
};
