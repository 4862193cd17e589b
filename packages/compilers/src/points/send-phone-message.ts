import { sendPhoneMessage } from '../compilers.ts';

// The subpath is a wt-compiler value: `require('ext-compilers/send-phone-message')` must be the compiler itself.
export default sendPhoneMessage;
