import { postChangePassword } from '../../actions.ts';

// The subpath is a wt-compiler value: `require('ext-compilers/actions/post-change-password')` must be the compiler itself.
export default postChangePassword;
