import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

/** A read-only bind into the jail: `source` on the host, seen at `dest` inside. */
export interface Bind {
  source: string;
  dest: string;
}

const programBinds = new Map<string, Bind[]>();

/**
 * A program (at its real path and at the path given) and the shared libraries it loads, as `ldd`
 * lists them: Node, and as root bubblewrap and setpriv, are the only system files a guest sees.
 */
export function programWithLibraries(program: string): Bind[] {
  let binds = programBinds.get(program);
  if (binds) return binds;
  const real = realpathSync(program);
  binds = [{ source: real, dest: real }];
  if (program !== real) binds.push({ source: real, dest: program });
  for (const library of sharedLibraries(real)) binds.push({ source: realpathSync(library), dest: library });
  programBinds.set(program, binds);
  return binds;
}

function sharedLibraries(binary: string): string[] {
  let listing: string;
  try {
    listing = execFileSync('ldd', [binary], { encoding: 'utf8', timeout: 10_000 });
  } catch {
    return []; // A static binary: `ldd` says "not a dynamic executable" and exits 1.
  }
  return [...new Set(listing.match(/\/[^\s()]+/g) ?? [])].filter((path) => existsSync(path));
}

/**
 * What the guest entry needs to load, each at its real path: the runtime's package, every
 * `node_modules` directory above it (where its dependencies resolve), and the real directories of
 * the packages those hold as links (a workspace's own packages). Nothing else of the host.
 */
export function codeBinds(entryFile: string): Bind[] {
  const root = packageRoot(realpathSync(entryFile));
  const directories = new Set<string>([root]);
  for (let dir = root; ; dir = dirname(dir)) {
    const modules = join(dir, 'node_modules');
    if (existsSync(modules)) {
      directories.add(realpathSync(modules));
      for (const linked of linkedPackages(modules)) directories.add(linked);
    }
    if (dirname(dir) === dir) break;
  }
  return outermost([...directories]).map((dir) => ({ source: dir, dest: dir }));
}

function packageRoot(file: string): string {
  for (let dir = dirname(file); dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error(`No package.json above ${file}`);
}

/** The real directories of the packages a `node_modules` directory holds as symbolic links. */
function linkedPackages(modules: string): string[] {
  const linked: string[] = [];
  for (const name of readdirSync(modules)) {
    const path = join(modules, name);
    if (name.startsWith('@')) {
      for (const scoped of readdirSync(path)) addLink(join(path, scoped), linked);
    } else addLink(path, linked);
  }
  return linked;
}

function addLink(path: string, into: string[]): void {
  try {
    if (lstatSync(path).isSymbolicLink()) into.push(realpathSync(path));
  } catch {
    // A dangling link resolves nowhere: nothing to bind.
  }
}

/** The directories not inside another of them. */
function outermost(directories: string[]): string[] {
  return directories.filter((dir) => !directories.some((other) => other !== dir && dir.startsWith(other + sep)));
}
