export { analyze } from './analyze.ts';
export { createModuleStore, type ModuleStoreOptions } from './create-module-store.ts';
export { type ModuleSpec, parseSpec, type SpecKind, specKind } from './parse-spec.ts';
export { type PreparedRequire, type PrepareOptions, type PrepareResult, prepare, type SourceMapObject } from './prepare.ts';
export type { Analysis, EnsureResult, InstallProgress, ModuleListing, ModuleStore, RequireSite, ResolvedModule } from './types.ts';
