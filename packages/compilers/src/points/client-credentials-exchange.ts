import { clientCredentialsExchange } from '../compilers.ts';

// The subpath is a wt-compiler value: `require('ext-compilers/client-credentials-exchange')` must be the compiler itself.
export default clientCredentialsExchange;
