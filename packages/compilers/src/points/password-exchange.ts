import { passwordExchange } from '../compilers.ts';

// The subpath is a wt-compiler value: `require('ext-compilers/password-exchange')` must be the compiler itself.
export default passwordExchange;
