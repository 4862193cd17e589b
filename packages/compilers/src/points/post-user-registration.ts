import { postUserRegistration } from '../compilers.ts';

// The subpath is a wt-compiler value: `require('ext-compilers/post-user-registration')` must be the compiler itself.
export default postUserRegistration;
