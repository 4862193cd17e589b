import type { WebtaskCompiler } from '@ext-compilers/core';
import { credentialsExchange as cce } from './definitions/actions/client-credentials-exchange.ts';
import { postChangePassword as pcp } from './definitions/actions/post-change-password.ts';
import { postUserRegistration as pour } from './definitions/actions/post-user-registration.ts';
import { preUserRegistration as prur } from './definitions/actions/pre-user-registration.ts';
import { sendPhoneMessage as spm } from './definitions/actions/send-phone-message.ts';
import { defineActionsPoint } from './internal/actions-point.ts';

/** `exports.onExecuteCredentialsExchange = async (event, api)`; answers as client-credentials-exchange. */
export const credentialsExchange: WebtaskCompiler = defineActionsPoint(cce);
/** `exports.onExecutePreUserRegistration = async (event, api)`; answers as pre-user-registration. */
export const preUserRegistration: WebtaskCompiler = defineActionsPoint(prur);
/** `exports.onExecutePostUserRegistration = async (event, api)`; answers as post-user-registration. */
export const postUserRegistration: WebtaskCompiler = defineActionsPoint(pour);
/** `exports.onExecutePostChangePassword = async (event, api)`; answers as post-change-password. */
export const postChangePassword: WebtaskCompiler = defineActionsPoint(pcp);
/** `exports.onExecuteSendPhoneMessage = async (event, api)`; answers as send-phone-message. */
export const sendPhoneMessage: WebtaskCompiler = defineActionsPoint(spm);

/** The export each Actions point compiles, by point name. */
export const EXPORT_NAMES: Readonly<Record<string, string>> = {
  'client-credentials-exchange': cce.exportName,
  'pre-user-registration': prur.exportName,
  'post-user-registration': pour.exportName,
  'post-change-password': pcp.exportName,
  'send-phone-message': spm.exportName,
};
