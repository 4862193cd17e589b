import { generic } from '../generic.ts';

// The subpath is a wt-compiler value: `require('ext-compilers/generic')` must be the compiler itself.
export default generic;
