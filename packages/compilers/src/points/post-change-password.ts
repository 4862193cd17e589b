import { postChangePassword } from '../compilers.ts';

// The subpath is a wt-compiler value: `require('ext-compilers/post-change-password')` must be the compiler itself.
export default postChangePassword;
