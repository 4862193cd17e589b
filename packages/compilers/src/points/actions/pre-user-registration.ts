import { preUserRegistration } from '../../actions.ts';

// The subpath is a wt-compiler value: `require('ext-compilers/actions/pre-user-registration')` must be the compiler itself.
export default preUserRegistration;
