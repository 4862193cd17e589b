'use strict';
// The platform's own extensibility point, `on-new-lead`: the platform calls its customer's
// extension with each new lead and gets a score back. This file is everything the platform
// writes to have the point; a runtime loads it as the `wt-compiler` of the customer's webtask.
const { defineExtensibilityPoint } = require('@ext-compilers/core');

/** @type {import('./point.cjs').OnNewLeadDefinition} */
const definition = {
  name: 'on-new-lead',
  parameters: ['lead', 'context'],
  validate: [
    { path: 'lead', is: 'object' },
    { path: 'lead.email', is: 'string' },
    { path: 'lead.source', oneOf: ['web', 'referral', 'event'] },
    { path: 'lead.company', is: 'string', optional: true },
  ],
  args: (body, ctx) => [body.lead, { webtask: ctx }],
  errors: [{ name: 'LeadRejectedError', friendlyMessage: true }],
  returns: [
    { path: 'score', is: 'integer' },
    { path: 'tier', oneOf: ['hot', 'warm', 'cold'] },
    { path: 'note', is: 'string', optional: true },
  ],
};

// A `wt-compiler` module's export is the compiler itself; the definition travels on it, for the
// page generated from it (generate.ts) and for anyone who wants the hook's types.
module.exports = Object.assign(defineExtensibilityPoint(definition), { definition });
