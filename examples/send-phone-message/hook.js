// send-phone-message: Auth0 calls it instead of its own SMS/voice provider to deliver an MFA
// code. Formats the message for the channel and language, and refuses destinations outside the
// countries this tenant serves (a common defence against SMS toll fraud).
const { createHash } = require('crypto');

const COUNTRIES = ['+1', '+44', '+49'];
const TEMPLATES = {
  en: (code) => `Your verification code is ${code}`,
  es: (code) => `Tu código de verificación es ${code}`,
};

module.exports = function (recipient, text, context, cb) {
  if (!COUNTRIES.some((prefix) => recipient.startsWith(prefix))) {
    return cb(new SendPhoneMessageError(`Refused to send to ${recipient}: country not served`, 'We cannot send codes to this phone number.'));
  }

  const template = TEMPLATES[context.language.split('-')[0]] || TEMPLATES.en;
  // Voice messages read the code digit by digit.
  const code = context.message_type === 'voice' ? context.code.split('').join(', ') : context.code;
  const body = template(code);

  // A real hook posts { to: recipient, body } to its provider here and answers the provider's id;
  // this one derives a stable id so that the example runs offline.
  const MessageID = createHash('sha256').update(`${recipient}\n${body}`).digest('hex').slice(0, 16);
  cb(null, { MessageID, channel: context.message_type, body });
};
