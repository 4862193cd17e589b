import { randomUUID } from 'node:crypto';
import { ExtCompilersError } from '@ext-compilers/core';
import type { ContainerUsage, GetOptions, ListOptions, StoredData, WebtaskInput, WebtaskRecord, WebtaskStore, WriteDataOptions } from '../webtask-store.ts';
import { checkEtag, serializeData, toStoredData } from './data.ts';
import { createSerial, type Serial } from './serial.ts';
import { countWrite, createDataSizes, type DataSizes, forgetSize, learnAll } from './usage.ts';
import { type CheckedInput, checkGet, checkInput, checkList, checkName, checkWriteData, matchesMeta } from './validate.ts';
import type { Vault } from './vault.ts';

/** A webtask as a backend keeps it: secrets sealed by the vault (`undefined` when there are none). */
export interface StoredWebtask {
  readonly container: string;
  readonly name: string;
  readonly code: string | undefined;
  readonly url: string | undefined;
  readonly meta: Readonly<Record<string, string>>;
  readonly secret_names: readonly string[];
  readonly secrets: unknown;
  readonly version: string;
  readonly generation: string;
  readonly created_at: string;
  readonly updated_at: string;
}

/** Where an indexed store keeps what its index holds. Each call completes durably or throws. */
export interface Backend {
  saveWebtask(webtask: StoredWebtask): Promise<void>;
  /** Remove the webtask (not its storage document): the one step at which a delete happens. */
  removeWebtask(container: string, name: string): Promise<void>;
  readData(container: string, name: string): Promise<string | undefined>;
  /** Replace the storage document's JSON; `undefined` removes it. */
  saveData(container: string, name: string, json: string | undefined): Promise<void>;
  close(): Promise<void>;
}

export interface IndexedStoreParts {
  /** Every webtask the backend holds when the store opens. */
  readonly webtasks: Iterable<StoredWebtask>;
  readonly backend: Backend;
  readonly vault: Vault;
}

/** A webtask as the store hands it out: as kept, and as a record without secret values. */
export interface Entry {
  readonly stored: StoredWebtask;
  /** The record without secret values, made once per put and handed out as it is (frozen). */
  readonly record: WebtaskRecord;
}

interface Container {
  readonly byName: Map<string, Entry>;
  /** The entries in name order, rebuilt on the first list after a webtask was added or removed. */
  sorted: Entry[] | undefined;
  /** The sizes of its storage documents, for `usage()` and `containerLimit`. */
  readonly data: DataSizes;
}

/** What the store's operations share. */
interface StoreState {
  /** Every webtask, by container and name. */
  readonly index: Map<string, Container>;
  readonly backend: Backend;
  readonly vault: Vault;
  /** Changes to one webtask, one at a time. */
  readonly serial: Serial;
  closed: boolean;
}

/**
 * A {@link WebtaskStore} over an in-memory index of every webtask, with a backend that persists
 * (or not) each change before the index shows it. Reads and lists never touch the backend, except
 * storage documents, which can be large and are read on demand. Changes to one webtask run one at
 * a time, so each one's check (exists? etag?) and write form one step.
 */
export function createIndexedStore(parts: IndexedStoreParts): WebtaskStore {
  const state: StoreState = { index: new Map(), backend: parts.backend, vault: parts.vault, serial: createSerial(), closed: false };
  for (const webtask of parts.webtasks) setEntry(state.index, webtask);
  return {
    put: (container, name, input) => put(state, container, name, input),
    get: (container, name, options) => get(state, container, name, options),
    delete: (container, name) => remove(state, container, name),
    list: (container, options) => list(state, container, options),
    containers: () => containers(state),
    usage: (container) => usage(state, container),
    readData: (container, name) => readData(state, container, name),
    writeData: (container, name, data, options) => writeData(state, container, name, data, options),
    close: () => close(state),
  };
}

async function put(state: StoreState, container: string, name: string, input: WebtaskInput): Promise<WebtaskRecord> {
  const key = serialKey(state, container, name);
  const content = checkInput(input);
  return state.serial.run(key, async () => {
    const previous = entryOf(state, container, name)?.stored;
    const webtask = sealWebtask(state.vault, container, name, content, previous);
    // A new webtask starts without a storage document, whatever a failed delete left under its name.
    if (previous === undefined) await state.backend.saveData(container, name, undefined);
    await state.backend.saveWebtask(webtask);
    const entry = setEntry(state.index, webtask);
    if (previous === undefined) state.index.get(container)!.data.sizes.set(name, 0);
    return entry.record;
  });
}

async function get(state: StoreState, container: string, name: string, options: GetOptions | undefined): Promise<WebtaskRecord | undefined> {
  checkOpen(state, container, name);
  const decrypt = checkGet(options);
  const entry = entryOf(state, container, name);
  if (entry === undefined) return undefined;
  return decrypt ? reveal(state.vault, entry) : entry.record;
}

async function remove(state: StoreState, container: string, name: string): Promise<boolean> {
  return state.serial.run(serialKey(state, container, name), async () => {
    if (entryOf(state, container, name) === undefined) return false;
    // The webtask goes first: once its file is gone the delete has happened, and its document,
    // which nothing reads without the webtask, is removed after it; one left by a crash or a
    // failure here is removed by the next open, or by the put of a new webtask of this name.
    await state.backend.removeWebtask(container, name);
    removeEntry(state.index, container, name);
    await state.backend.saveData(container, name, undefined).catch(() => undefined);
    return true;
  });
}

async function list(state: StoreState, container: string, options: ListOptions | undefined): Promise<WebtaskRecord[]> {
  ready(state);
  checkName('container', container);
  const { meta, offset, limit } = checkList(options);
  const entries = sortedEntries(state.index.get(container));
  const matching = meta.length === 0 ? entries : entries.filter((entry) => matchesMeta(entry.stored.meta, meta));
  return matching.slice(offset, offset + limit).map((entry) => entry.record);
}

async function containers(state: StoreState): Promise<string[]> {
  ready(state);
  return [...state.index.keys()].sort(compareNames);
}

async function readData(state: StoreState, container: string, name: string): Promise<StoredData | undefined> {
  checkOpen(state, container, name);
  if (entryOf(state, container, name) === undefined) return undefined;
  return toStoredData(await state.backend.readData(container, name));
}

async function writeData(state: StoreState, container: string, name: string, data: unknown, options: WriteDataOptions | undefined): Promise<StoredData | undefined> {
  const key = serialKey(state, container, name);
  const settings = checkWriteData(options);
  const json = serializeData(data);
  return state.serial.run(key, async (): Promise<StoredData | undefined> => {
    const entry = entryOf(state, container, name);
    if (entry === undefined || (settings.generation !== undefined && settings.generation !== entry.stored.generation)) return undefined;
    const current = await state.backend.readData(container, name);
    checkEtag(current, settings);
    const limit = settings.containerLimit;
    if (limit !== undefined) await learnSizes(state, container);
    // The entry cannot go while this step runs (a delete waits for it), nor its container with it.
    const undo = countWrite(state.index.get(container)!.data, { container, name, current, json, limit });
    try {
      await state.backend.saveData(container, name, json);
    } catch (error) {
      undo();
      throw error;
    }
    return toStoredData(json);
  });
}

async function usage(state: StoreState, container: string): Promise<ContainerUsage> {
  ready(state);
  checkName('container', container);
  await learnSizes(state, container);
  const entries = state.index.get(container);
  return { webtasks: entries?.byName.size ?? 0, dataBytes: entries?.data.bytes ?? 0 };
}

/** Read the sizes of a container's storage documents not known yet (a store opened over existing files). */
function learnSizes(state: StoreState, container: string): Promise<void> {
  const entries = state.index.get(container);
  if (entries === undefined) return Promise.resolve();
  const read = (name: string) => state.backend.readData(container, name);
  return learnAll(entries.data, [...entries.byName.keys()], read, (name) => entries.byName.has(name));
}

async function close(state: StoreState): Promise<void> {
  if (state.closed) return;
  state.closed = true;
  await state.serial.idle();
  await state.backend.close();
}

/** Throws `ERR_STORAGE_USAGE` once the store is closed. */
export function ready(state: { readonly closed: boolean }): void {
  if (state.closed) throw new ExtCompilersError('ERR_STORAGE_USAGE', 'The webtask store is closed', { details: { field: 'store' } });
}

/** Throws unless the store is open and the names are valid. */
export function checkOpen(state: { readonly closed: boolean }, container: string, name: string): void {
  ready(state);
  checkName('container', container);
  checkName('name', name);
}

/** The key a webtask's writes are serialised under, once the store is open and the names valid. */
function serialKey(state: StoreState, container: string, name: string): string {
  checkOpen(state, container, name);
  return JSON.stringify([container, name]);
}

function entryOf(state: StoreState, container: string, name: string): Entry | undefined {
  return state.index.get(container)?.byName.get(name);
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What the vault authenticates with the sealed values: the webtask and its secret names. */
function secretsContext(container: string, name: string, names: readonly string[]): string {
  return JSON.stringify(['ext-compilers/webtask-secrets/1', container, name, names]);
}

// A put replaces the whole webtask, as the platform's PUT does: only created_at survives.
export function sealWebtask(vault: Vault, container: string, name: string, content: CheckedInput, previous: StoredWebtask | undefined): StoredWebtask {
  const names = Object.freeze(Object.keys(content.secrets).sort(compareNames));
  const now = new Date().toISOString();
  return {
    container,
    name,
    code: content.code,
    url: content.url,
    meta: content.meta,
    secret_names: names,
    secrets: names.length === 0 ? undefined : vault.seal(content.secrets, secretsContext(container, name, names)),
    version: randomUUID(),
    generation: previous?.generation ?? randomUUID(),
    created_at: previous?.created_at ?? now,
    updated_at: now,
  };
}

/** The record of `entry` with its secret values; throws when they cannot be opened. */
export function reveal(vault: Vault, entry: Entry): WebtaskRecord {
  const { container, name, secret_names: names, secrets: sealed } = entry.stored;
  if (names.length === 0) return { ...entry.record, secrets: Object.freeze({}) };
  let values: Record<string, string> | undefined;
  let cause: unknown;
  try {
    values = vault.open(sealed, secretsContext(container, name, names));
  } catch (error) {
    cause = error;
  }
  if (values === undefined || !sameNames(values, names)) {
    // Not an ExtCompilersError: no code fits a store whose content or key was changed behind its
    // back, and the server should answer it as any internal error (500), without details.
    throw new Error(`The secrets of webtask ${container}/${name} cannot be decrypted: they were altered, or the key is not the one they were encrypted with`, {
      cause,
    });
  }
  return { ...entry.record, secrets: Object.freeze(values) };
}

function sameNames(values: Record<string, string>, names: readonly string[]): boolean {
  const keys = Object.keys(values).sort(compareNames);
  return keys.length === names.length && keys.every((key, i) => key === names[i] && typeof values[key] === 'string');
}

export function toRecord(webtask: StoredWebtask): WebtaskRecord {
  const { container, name, code, url, meta, secret_names, version, generation, created_at, updated_at } = webtask;
  const source = code !== undefined ? { code } : { url: url as string };
  return Object.freeze({ container, name, ...source, meta, secret_names, version, generation, created_at, updated_at });
}

function setEntry(index: Map<string, Container>, webtask: StoredWebtask): Entry {
  let container = index.get(webtask.container);
  if (container === undefined) {
    container = { byName: new Map(), sorted: undefined, data: createDataSizes() };
    index.set(webtask.container, container);
  }
  const entry: Entry = { stored: webtask, record: toRecord(webtask) };
  container.byName.set(webtask.name, entry);
  container.sorted = undefined;
  return entry;
}

function removeEntry(index: Map<string, Container>, container: string, name: string): void {
  const entries = index.get(container);
  if (entries === undefined) return;
  entries.byName.delete(name);
  forgetSize(entries.data, name);
  entries.sorted = undefined;
  if (entries.byName.size === 0) index.delete(container);
}

function sortedEntries(container: Container | undefined): Entry[] {
  if (container === undefined) return [];
  container.sorted ??= [...container.byName.values()].sort((a, b) => compareNames(a.stored.name, b.stored.name));
  return container.sorted;
}
