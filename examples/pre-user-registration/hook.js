// pre-user-registration: runs before Auth0 creates a Database or Passwordless user. Refuses
// disposable e-mail domains, and records where and in which language the user signed up.
const DISPOSABLE = ['mailinator.com', 'guerrillamail.com', 'yopmail.com'];

module.exports = function (user, context, cb) {
  const domain = String(user.email || '').split('@').pop().toLowerCase();
  if (DISPOSABLE.includes(domain)) {
    // The first message goes to the tenant logs, the second is shown to the person signing up.
    return cb(new PreUserRegistrationError(`Sign-up refused: disposable domain ${domain}`, 'Please sign up with a permanent e-mail address.'));
  }

  cb(null, {
    user: {
      user_metadata: { signup_language: context.requestLanguage || 'en' },
      app_metadata: { signup_connection: context.connection.name, plan: 'trial' },
    },
  });
};
