export { installEgressClient } from './client.ts';
export { type EgressAllow, type EgressVerdict, egressDecision, guardedLookup, ownAddresses, parseEgressAllow } from './decision.ts';
export { createEgressGate, type EgressContext, type EgressGate, type EgressGateOptions, type EgressListener } from './gate.ts';
