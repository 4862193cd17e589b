// The keys are the wt-compiler export names of auth0-ext-compilers: `require('ext-compilers')[key]`.
export {
  clientCredentialsExchange as 'client-credentials-exchange',
  passwordExchange as 'password-exchange',
  postChangePassword as 'post-change-password',
  postUserRegistration as 'post-user-registration',
  preUserRegistration as 'pre-user-registration',
  sendPhoneMessage as 'send-phone-message',
} from './compilers.ts';
export { generic } from './generic.ts';
