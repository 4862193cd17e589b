/**
 * Pre User Registration: refuse sign-ups from disposable e-mail domains and seed the new user's
 * metadata from the sign-up request.
 */
const BLOCKED = ['mailinator.com', 'tempmail.dev', 'trashmail.io'];

module.exports = function (user, context, cb) {
  const email = String(user.email || '').toLowerCase();
  const domain = email.slice(email.lastIndexOf('@') + 1);

  if (BLOCKED.indexOf(domain) !== -1) {
    return cb(new PreUserRegistrationError('Disposable domain: ' + domain, 'Please use your work e-mail.'));
  }

  const response = { user: { user_metadata: {}, app_metadata: {} } };
  response.user.user_metadata.locale = (context.request && context.request.language) || 'en';
  response.user.user_metadata.signup_ip = context.request && context.request.ip;
  response.user.app_metadata.plan = context.connection.name === 'enterprise-sso' ? 'pro' : 'free';
  response.user.app_metadata.signup_source = context.connection.strategy;
  response.user.app_metadata.created_via = 'hook';

  cb(null, response);
};
