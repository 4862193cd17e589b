import { sendPhoneMessage } from '../../actions.ts';

// The subpath is a wt-compiler value: `require('ext-compilers/actions/send-phone-message')` must be the compiler itself.
export default sendPhoneMessage;
