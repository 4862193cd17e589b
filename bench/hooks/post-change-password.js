/**
 * Post Change Password: prepare the security notification mail for the user (the mail client is
 * out of scope here; the message is what a real hook would send).
 */
module.exports = function (user, context, cb) {
  if (!user.email) {
    return cb(new Error('user has no e-mail'));
  }

  const message = {
    to: user.email,
    from: 'security@example.com',
    subject: 'Your password was changed',
    text: [
      'Hello,',
      'the password of your account on ' + context.connection.name + ' was just changed.',
      'If this was not you, reset it at https://example.com/reset and contact support.',
    ].join('\n'),
    tags: ['security', 'password-change', context.connection.strategy || 'database'],
  };

  // A real hook would hand the message to a mail API and call back when it is accepted.
  cb(null, message.text.length > 0 ? undefined : {});
};
