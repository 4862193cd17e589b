import { preUserRegistration } from '../compilers.ts';

// The subpath is a wt-compiler value: `require('ext-compilers/pre-user-registration')` must be the compiler itself.
export default preUserRegistration;
