export { type ModuleSpec, parseSpec, type SpecKind, specKind } from './parse-spec.ts';
export type { Analysis, EnsureResult, InstallProgress, ModuleListing, ModuleStore, RequireSite, ResolvedModule } from './types.ts';
