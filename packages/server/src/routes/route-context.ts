import type { IncomingMessage } from 'node:http';
import type { ModuleStore } from '@ext-compilers/modules';
import type { EgressAllow, Executor } from '@ext-compilers/runtime';
import type { TokenService } from '@ext-compilers/tokens';
import type { WebtaskStore } from '../store/webtask-store.ts';
import type { Authenticator } from '../auth/authenticator.ts';
import type { LogHub } from '../logs/log-hub.ts';
import type { Webtasks } from '../run/webtask-cache.ts';
import type { ServerLimits } from '../limits/defaults.ts';
import type { WebtaskQuota } from '../limits/webtask-quota.ts';
import type { ModuleGate } from '../modules/module-gate.ts';

/** What every group of routes works with. */
export interface RouteContext {
  store: WebtaskStore;
  tokens: TokenService;
  auth: Authenticator;
  webtasks: Webtasks;
  executor: Executor;
  hub: LogHub;
  /** The base URL of `webtask_url`s, for this request. */
  base(req: IncomingMessage): string;
  maxBodySize: number;
  /** What the server's fetch of a `url` webtask's code may reach besides public addresses (`allowEgress`). */
  egress: EgressAllow;
  /** The module store: `'use npm'` code has its versions installed when it is created. */
  modules: ModuleStore | undefined;
  /** Who may have modules installed (the admin; a tenant within the module policy). */
  gate: ModuleGate;
  /** Each container's webtask count. */
  quota: WebtaskQuota;
  limits: ServerLimits;
  /** Refuses code about to run that requires module versions its caller may not have installed (`undefined`: no module store). */
  admitCode: ((code: string, caller: { readonly admin: boolean }) => Promise<void>) | undefined;
}

export function webtaskUrl(base: string, container: string, name: string): string {
  return `${base}/api/run/${encodeURIComponent(container)}/${encodeURIComponent(name)}`;
}
