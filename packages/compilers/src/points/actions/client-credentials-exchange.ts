import { credentialsExchange } from '../../actions.ts';

// The subpath is a wt-compiler value: `require('ext-compilers/actions/client-credentials-exchange')` must be the compiler itself.
export default credentialsExchange;
