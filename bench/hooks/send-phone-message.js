/**
 * Send Phone Message: turn Auth0's MFA message into the request a custom SMS/voice gateway takes
 * (the gateway call is out of scope here; the request is what a real hook would send).
 */
module.exports = function (recipient, text, context, cb) {
  if (!/^\+[1-9]\d{6,14}$/.test(recipient)) {
    return cb(new SendPhoneMessageError('Invalid E.164 number: ' + recipient, 'Check your phone number.'));
  }

  const request = {
    to: recipient,
    channel: context.message_type === 'voice' ? 'voice' : 'sms',
    body: context.message_type === 'voice' ? text.replace(/(\d)/g, '$1 ') : text,
    locale: context.language || 'en',
    reference: (context.client && context.client.client_id) + ':' + context.action,
    metadata: { ip: context.ip, user_agent: context.user_agent },
  };

  // A real hook would POST the request to the gateway and call back with its message id.
  const id = 'msg_' + request.reference.length + '_' + request.to.slice(-4);
  cb(null, { id, channel: request.channel });
};
