import semver from 'semver';

/**
 * What a tenant's token may install into the server's module store (the admin's token installs
 * anything). `allow`: package names, each with an optional semver range (`lodash`,
 * `left-pad@1.x`, `@scope/*`: `*` stands for any characters but `/`). `maxBytes`: once the store
 * holds this many bytes on disk, tenants install nothing more.
 */
export interface ModulePolicy {
  readonly allow: readonly string[];
  readonly maxBytes?: number | undefined;
}

/** One `allow` entry, ready to match. */
export interface AllowRule {
  readonly name: RegExp;
  /** `undefined`: any version, tags included. */
  readonly range: string | undefined;
}

const NAME_PATTERN = /^(?:@[a-z0-9*~][a-z0-9*._~-]*\/)?[a-z0-9*~][a-z0-9*._~-]*$/i;

/**
 * `value` as a {@link ModulePolicy} (as parsed from a policy file's JSON), or a TypeError that
 * says what is wrong with it: the shape, `maxBytes`, or which `allow` entry is not a name or
 * pattern with an optional semver range.
 */
export function checkModulePolicy(value: unknown): ModulePolicy {
  policyRules(value);
  const { allow, maxBytes } = value as ModulePolicy;
  return { allow: [...allow], maxBytes };
}

/** The rules of a policy, checked as {@link checkModulePolicy} says. */
export function policyRules(policy: unknown): AllowRule[] {
  if (typeof policy !== 'object' || policy === null || !Array.isArray((policy as ModulePolicy).allow)) {
    throw new TypeError('modulePolicy must be { allow: string[], maxBytes?: number }.');
  }
  const { allow, maxBytes } = policy as ModulePolicy;
  if (maxBytes !== undefined && !(Number.isSafeInteger(maxBytes) && maxBytes >= 0)) throw new TypeError('modulePolicy.maxBytes must be a non-negative integer (bytes).');
  return allow.map((entry, i) => {
    const rule = typeof entry === 'string' ? ruleOf(entry) : undefined;
    if (!rule) throw new TypeError(`modulePolicy.allow[${i}] ${JSON.stringify(entry)} is not a package name or pattern, with an optional semver range (lodash, left-pad@1.x, @scope/*).`);
    return rule;
  });
}

function ruleOf(entry: string): AllowRule | undefined {
  // A scoped name's own `@` comes first: the version's is the next one.
  const at = entry.indexOf('@', 1);
  const name = at < 0 ? entry : entry.slice(0, at);
  const range = at < 0 ? undefined : entry.slice(at + 1);
  if (!NAME_PATTERN.test(name) || (range !== undefined && semver.validRange(range) === null)) return undefined;
  const pattern = name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*');
  return { name: new RegExp(`^${pattern}$`), range };
}

/**
 * Whether a rule admits `name@version`, the version as a request or a require wrote it: an exact
 * version within the rule's range, or a range inside it. A tag (`latest`) could resolve to
 * anything, so only a rule without a range admits it.
 */
export function allows(rules: readonly AllowRule[], name: string, version: string): boolean {
  return rules.some((rule) => {
    if (!rule.name.test(name)) return false;
    if (rule.range === undefined) return true;
    if (semver.valid(version) !== null) return semver.satisfies(version, rule.range);
    return semver.validRange(version) !== null && semver.subset(version, rule.range);
  });
}
