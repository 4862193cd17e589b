/**
 * Post User Registration: build the welcome event for the CRM queue (the queue client is out of
 * scope here; the event is what a real hook would send).
 */
module.exports = function (user, context, cb) {
  const event = {
    type: 'user.registered',
    tenant: context.webtask && context.webtask.meta ? context.webtask.meta.tenant : undefined,
    user: {
      id: user.id,
      email: user.email,
      name: [user.given_name, user.family_name].filter(Boolean).join(' ') || user.username,
    },
    connection: context.connection.name,
    at: new Date(0).toISOString(),
  };

  if (!event.user.email) {
    return cb(new Error('registered user has no e-mail'));
  }

  // A real hook would enqueue the event and call back when the queue acknowledges it.
  const payload = JSON.stringify(event);
  cb(null, payload.length > 0 ? undefined : {});
};
