import { postUserRegistration } from '../../actions.ts';

// The subpath is a wt-compiler value: `require('ext-compilers/actions/post-user-registration')` must be the compiler itself.
export default postUserRegistration;
