// A customer's on-new-lead extension: scores each new lead. LeadRejectedError is in scope
// without an import; its second argument is the message the platform shows its user.
/** @type {import('./point.cjs').OnNewLeadHook} */
module.exports = async function (lead, context) {
  if (lead.email.endsWith('.invalid')) {
    throw new LeadRejectedError(`Undeliverable address: ${lead.email}`, 'This lead cannot be reached by email.');
  }
  const personal = /@(gmail|outlook|yahoo)\.com$/.test(lead.email);
  const score = (personal ? 10 : 40) + (lead.source === 'referral' ? 30 : 0) + (lead.company ? 10 : 0);
  const tier = score >= 70 ? 'hot' : score >= 40 ? 'warm' : 'cold';
  return { score, tier, note: `scored for ${context.webtask.meta?.['auth0-extension-type'] ?? 'a test'}` };
};
