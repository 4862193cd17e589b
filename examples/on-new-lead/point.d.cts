// The types of point.cjs: what the platform promises its customers' hooks.
import type { ExtensibilityPointDefinition, HookOf, WebtaskCompiler, WebtaskContext } from '@ext-compilers/core';

declare const onNewLead: WebtaskCompiler & { readonly definition: onNewLead.OnNewLeadDefinition };

// The namespace only types the CommonJS export (`module.exports` is the compiler).
declare namespace onNewLead {
  /** A new lead, as the platform sends it. */
  interface Lead {
    email: string;
    source: 'web' | 'referral' | 'event';
    company?: string;
  }
  /** The hook's second argument: the webtask context (secrets, meta, headers). */
  interface LeadContext {
    webtask: WebtaskContext;
  }
  /** What the hook answers. */
  interface LeadScore {
    score: number;
    tier: 'hot' | 'warm' | 'cold';
    note?: string;
  }
  type OnNewLeadDefinition = ExtensibilityPointDefinition<[lead: Lead, context: LeadContext], LeadScore>;
  /** A customer's hook: `(lead, context, cb)`, or an async function of `(lead, context)`. */
  type OnNewLeadHook = HookOf<OnNewLeadDefinition>;
}

export = onNewLead;
