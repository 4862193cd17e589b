// post-user-registration, Actions style: the rewrite of hook.js. Auth0 only logs the answer; here
// what the action returns is that answer, as the value a legacy hook calls back with.
exports.onExecutePostUserRegistration = async (event) => {
  const sequence = event.user.email_verified ? 'onboarding-verified' : 'onboarding-verify-email';
  return {
    event: 'user.registered',
    user_id: event.user.user_id,
    connection: event.connection.name,
    sequence,
  };
};
