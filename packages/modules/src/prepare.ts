import type { ModuleStore } from './types.ts';

export interface PrepareOptions {
  store: ModuleStore;
  install?: boolean;
  filename?: string;
}

export interface PrepareResult {
  code: string;
  requires: readonly unknown[];
  map: unknown;
}

/** Placeholder while prepare is written (replaced in this session). */
export async function prepare(_code: string, _options: PrepareOptions): Promise<PrepareResult> {
  throw new Error('prepare: pending');
}
