import type { ModuleStore } from './types.ts';

export interface ModuleStoreOptions {
  root: string;
}

/** Placeholder while the store is written (replaced in this session). */
export function createModuleStore(_options: ModuleStoreOptions): ModuleStore {
  throw new Error('createModuleStore: pending');
}
