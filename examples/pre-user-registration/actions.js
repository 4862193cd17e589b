// pre-user-registration, Actions style: the rewrite of hook.js. Refuses disposable e-mail
// domains, and records where and in which language the user signed up.
const DISPOSABLE = ['mailinator.com', 'guerrillamail.com', 'yopmail.com'];

exports.onExecutePreUserRegistration = async (event, api) => {
  const domain = String(event.user.email || '').split('@').pop().toLowerCase();
  if (DISPOSABLE.includes(domain)) {
    // The reason goes to the tenant logs, the user message to the person signing up.
    return api.access.deny(`Sign-up refused: disposable domain ${domain}`, 'Please sign up with a permanent e-mail address.');
  }

  api.user.setUserMetadata('signup_language', event.request.language || 'en');
  api.user.setAppMetadata('signup_connection', event.connection.name);
  api.user.setAppMetadata('plan', 'trial');
};
