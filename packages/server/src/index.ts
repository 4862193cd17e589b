export { createWebtaskServer, type RateLimit, type ServerLogger, type WebtaskServerOptions } from './create-webtask-server.ts';
export { DEFAULT_LIMITS, type ServerLimits } from './limits/defaults.ts';
export { checkModulePolicy, type ModulePolicy } from './modules/module-policy.ts';
export { ADMIN_TOKEN_FILE, type OpenedServer, type OpenServerOptions, openServer } from './open-server.ts';
export { createEmbeddedStore, type EmbeddedStoreOptions } from './store/create-embedded-store.ts';
export { createMemoryStore } from './store/create-memory-store.ts';
export { createPostgresStore, type PostgresStoreOptions } from './store/postgres/create-postgres-store.ts';
export { DEFAULT_LIST_LIMIT, MAX_CODE_SIZE, MAX_DATA_SIZE, MAX_LIST_LIMIT } from './store/webtask-store.ts';
export type { ContainerUsage, GetOptions, ListOptions, StoreChange, StoredData, WebtaskInput, WebtaskRecord, WebtaskStore, WriteDataOptions } from './store/webtask-store.ts';
