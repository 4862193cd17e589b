// Keyed by point name, as the package root: `require('ext-compilers/actions')[point]`.
export {
  credentialsExchange as 'client-credentials-exchange',
  postChangePassword as 'post-change-password',
  postUserRegistration as 'post-user-registration',
  preUserRegistration as 'pre-user-registration',
  sendPhoneMessage as 'send-phone-message',
} from '../actions.ts';
