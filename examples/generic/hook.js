// An "on-new-lead" hook for a CRM: the platform POSTs each new lead, the hook scores it and
// says which sales team gets it. A 2-ary function, so the generic compiler reads the JSON body
// into ctx.body and wraps the callback's result in the envelope.
module.exports = function onNewLead(ctx, cb) {
  const lead = ctx.body && ctx.body.lead;
  if (!lead || typeof lead.email !== 'string') {
    return cb(new Error('A lead needs an email address'));
  }

  const freeMail = ['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com'];
  const domain = lead.email.split('@').pop().toLowerCase();
  let score = 10;
  if (!freeMail.includes(domain)) score += 30;
  if (lead.employees >= 500) score += 40;
  else if (lead.employees >= 50) score += 20;
  if (lead.source === 'demo-request') score += 20;

  cb(null, {
    score,
    team: score >= 70 ? 'enterprise' : 'self-serve',
    tags: [domain, lead.source].filter(Boolean),
  });
};
