// One build factory for every package, driven by each package.json `exports` map (the pattern of
// rollup/plugins): an entry is an export whose `@ext-compilers/source` condition names a source
// file; its `import`/`require` conditions name the outputs. Adding a package or a subpath to an
// exports map is the whole of adding it to the build.
//
// JavaScript: esbuild strips the types (TypeScript 7 has no JS compiler API), rollup bundles each
// package's own files into one ESM and one CJS build; modules shared by several entries become
// shared chunks, so `require('ext-compilers/generic') === require('ext-compilers').generic`.
// Declarations: `tsc -p tsconfig.build.json` writes them to .build/types first (scripts/build.mjs),
// then rollup-plugin-dts bundles one self-contained .d.ts and .d.cts per entry.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dts } from 'rollup-plugin-dts';
import esbuild from 'rollup-plugin-esbuild';

const ROOT = dirname(fileURLToPath(import.meta.url));
const PACKAGES = join(ROOT, 'packages');
const TYPES = join(ROOT, '.build', 'types');
const SOURCE_CONDITION = '@ext-compilers/source';
const BUILTINS = new Set(builtinModules);

// Warnings that mean the output is wrong (a CJS entry that is neither `module.exports = x` nor a
// plain exports object, an import that will fail at run time) stop the build.
const FATAL_WARNINGS = new Set([
  'MIXED_EXPORTS',
  'UNRESOLVED_IMPORT',
  'MISSING_EXPORT',
  'MISSING_NODE_BUILTINS',
  'EMPTY_BUNDLE',
  'EVAL',
  'SHIMMED_EXPORT',
]);

export default listPackages().flatMap((pkg) => [jsConfig(pkg), ...pkg.entries.map((entry) => dtsConfig(pkg, entry))]);

/** Every packages/<dir>/package.json with the entries of its exports map. */
export function listPackages() {
  return readdirSync(PACKAGES, { withFileTypes: true })
    .filter((dirent) => dirent.isDirectory() && existsSync(join(PACKAGES, dirent.name, 'package.json')))
    .map((dirent) => readPackage(dirent.name));
}

function readPackage(dir) {
  const path = join(PACKAGES, dir);
  const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));
  const entries = Object.entries(manifest.exports ?? {})
    .filter(([, target]) => typeof target === 'object' && target !== null && SOURCE_CONDITION in target)
    .map(([subpath, target]) => readEntry(manifest.name, subpath, target));
  if (entries.length === 0) {
    throw new Error(`${manifest.name}: no export in packages/${dir}/package.json has a "${SOURCE_CONDITION}" condition`);
  }
  return { dir, path, manifest, entries };
}

function readEntry(name, subpath, target) {
  const where = `${name}: exports["${subpath}"]`;
  const pick = (condition, key) => {
    const value = target[condition]?.[key];
    if (typeof value !== 'string') throw new Error(`${where}.${condition}.${key} must be a path`);
    return posix.normalize(value);
  };
  const entry = {
    subpath,
    // A stable, unique chunk name for the entry: `.` is `index`, `./a/b` is `a/b`.
    name: subpath === '.' ? 'index' : subpath.slice(2),
    source: posix.normalize(target[SOURCE_CONDITION]),
    esm: pick('import', 'default'),
    cjs: pick('require', 'default'),
    esmTypes: pick('import', 'types'),
    cjsTypes: pick('require', 'types'),
  };
  if (!/\.m?js$/.test(entry.esm)) throw new Error(`${where}.import.default must end in .js or .mjs`);
  if (!entry.cjs.endsWith('.cjs')) throw new Error(`${where}.require.default must end in .cjs`);
  if (!/\.d\.m?ts$/.test(entry.esmTypes)) throw new Error(`${where}.import.types must end in .d.ts or .d.mts`);
  if (!entry.cjsTypes.endsWith('.d.cts')) throw new Error(`${where}.require.types must end in .d.cts`);
  if (!/^src\/.*\.ts$/.test(entry.source)) throw new Error(`${where}["${SOURCE_CONDITION}"] must be a .ts file in src/`);
  return entry;
}

/** One JavaScript build per package: every entry, ESM and CJS, with shared chunks. */
function jsConfig(pkg) {
  const input = Object.fromEntries(pkg.entries.map((entry) => [entry.name, join(pkg.path, entry.source)]));
  const output = (format, key, extension) => {
    const byName = new Map(pkg.entries.map((entry) => [entry.name, entry[key]]));
    return {
      dir: pkg.path,
      format,
      sourcemap: true,
      exports: 'auto',
      // Node's own interop: a default import of a CommonJS module is its `module.exports`.
      interop: 'default',
      generatedCode: { preset: 'es2015', constBindings: true, symbols: false },
      entryFileNames: (chunk) => byName.get(chunk.name),
      chunkFileNames: `${commonDir([...byName.values()])}/chunks/[name]-[hash]${extension}`,
    };
  };
  return {
    input,
    external: externalFor(pkg),
    plugins: [esbuild({ target: 'node20', tsconfig: join(ROOT, 'tsconfig.json'), sourceMap: true })],
    output: [output('es', 'esm', '.js'), output('cjs', 'cjs', '.cjs')],
    onwarn: failOnBadOutput(pkg),
  };
}

/** One declaration build per entry, so each .d.ts/.d.cts stands alone (no chunk imports). */
function dtsConfig(pkg, entry) {
  const input = join(TYPES, pkg.dir, entry.source.replace(/\.ts$/, '.d.ts'));
  return {
    input,
    // Other packages' types stay imports; their own .d.ts/.d.cts is chosen by the consumer's mode.
    external: (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0'),
    plugins: [resolveTsSpecifiers(), dts({ tsconfig: join(ROOT, 'tsconfig.build.json') })],
    output: [
      { file: join(pkg.path, entry.esmTypes), format: 'es' },
      { file: join(pkg.path, entry.cjsTypes), format: 'es', plugins: [cjsDefaultExport()] },
    ],
    onwarn: failOnBadOutput(pkg),
  };
}

/**
 * Bare imports (node builtins, dependencies) stay imports; only the package's own files are
 * bundled. A bare import that the package does not declare would fail for its users, so it stops
 * the build here rather than there.
 */
function externalFor(pkg) {
  const declared = new Set([
    pkg.manifest.name,
    ...Object.keys(pkg.manifest.dependencies ?? {}),
    ...Object.keys(pkg.manifest.peerDependencies ?? {}),
    ...Object.keys(pkg.manifest.optionalDependencies ?? {}),
  ]);
  return (id, importer) => {
    if (id.startsWith('.') || id.startsWith('/') || id.startsWith('\0')) return false;
    if (id.startsWith('node:') || BUILTINS.has(id.split('/')[0])) return true;
    const name = id.startsWith('@') ? id.split('/').slice(0, 2).join('/') : id.split('/')[0];
    if (declared.has(name)) return true;
    const from = importer ? relative(ROOT, importer) : pkg.manifest.name;
    throw new Error(`${from} imports '${id}', which is not in the dependencies of ${pkg.manifest.name}`);
  };
}

/** tsc keeps the `.ts` specifiers of the sources in the declarations it writes: map them to `.d.ts`. */
function resolveTsSpecifiers() {
  return {
    name: 'resolve-ts-specifiers',
    resolveId(id, importer) {
      if (!importer || !id.startsWith('.') || !id.endsWith('.ts') || id.endsWith('.d.ts')) return null;
      const candidate = join(dirname(importer), id.replace(/\.ts$/, '.d.ts'));
      return existsSync(candidate) ? candidate : null;
    },
  };
}

/**
 * An entry whose only export is the default is built to `module.exports = value` (rollup's
 * `exports: 'auto'`), so its .d.cts must say `export = value`: with `export default`, CommonJS
 * TypeScript users would be told to write `require(...).default`, which is undefined.
 */
function cjsDefaultExport() {
  return {
    name: 'cjs-default-export',
    renderChunk(code, chunk) {
      if (!chunk.isEntry || chunk.exports.length !== 1 || chunk.exports[0] !== 'default') return null;
      const named = /^export \{ ([\w$]+) as default \};$/m;
      const match = named.exec(code);
      if (match) return { code: code.replace(named, `export = ${match[1]};`), map: null };
      const direct = /^export default ([\w$]+);$/m;
      const other = direct.exec(code);
      if (other) return { code: code.replace(direct, `export = ${other[1]};`), map: null };
      this.error(`${chunk.fileName}: cannot turn the default export into \`export =\`:\n${code}`);
    },
  };
}

function failOnBadOutput(pkg) {
  return (warning, warn) => {
    if (FATAL_WARNINGS.has(warning.code)) {
      throw new Error(`${pkg.manifest.name}: ${warning.code}: ${warning.message}`);
    }
    warn(warning);
  };
}

function commonDir(paths) {
  const parts = paths.map((path) => posix.dirname(path).split('/'));
  const common = [];
  for (let i = 0; parts.every((p) => i < p.length && p[i] === parts[0][i]); i++) common.push(parts[0][i]);
  return common.length > 0 ? common.join('/') : '.';
}
