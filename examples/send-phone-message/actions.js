// send-phone-message, Actions style: the rewrite of hook.js. Formats the message for the channel
// and language, and refuses destinations outside the countries this tenant serves.
const { createHash } = require('crypto');

const COUNTRIES = ['+1', '+44', '+49'];
const TEMPLATES = {
  en: (code) => `Your verification code is ${code}`,
  es: (code) => `Tu código de verificación es ${code}`,
};

exports.onExecuteSendPhoneMessage = async (event) => {
  const { recipient, language, message_type: channel } = event.message_options;
  if (!COUNTRIES.some((prefix) => recipient.startsWith(prefix))) {
    // SendPhoneMessageError is in scope without a require, as for hook.js.
    throw new SendPhoneMessageError(`Refused to send to ${recipient}: country not served`, 'We cannot send codes to this phone number.');
  }

  const template = TEMPLATES[language.split('-')[0]] || TEMPLATES.en;
  // Voice messages read the code digit by digit.
  const code = channel === 'voice' ? event.message_options.code.split('').join(', ') : event.message_options.code;
  const body = template(code);

  // A real action posts { to: recipient, body } to its provider; what it returns is the answer's
  // data, as the value a legacy hook calls back with (here a stable id, so the example runs offline).
  const MessageID = createHash('sha256').update(`${recipient}\n${body}`).digest('hex').slice(0, 16);
  return { MessageID, channel, body };
};
