import { parseSpec, specKind } from '../parse-spec.ts';
import type { RequireSite } from '../types.ts';
import type { lineIndex } from './lines.ts';

/** A require site without its line and column. */
export type SiteOf = Omit<RequireSite, 'line' | 'column'>;

/** A require site from its argument's text (undefined when dynamic) and offsets. */
export function requireSite(
  spec: string | undefined,
  start: number,
  end: number,
  position: ReturnType<typeof lineIndex>,
): RequireSite {
  return { ...siteOf(spec, start, end), ...position(start) };
}

/** The same without the position, which costs a walk over the code. */
export function siteOf(spec: string | undefined, start: number, end: number): SiteOf {
  if (spec === undefined) return { spec, kind: 'dynamic', module: undefined, dynamic: true, start, end };
  const kind = specKind(spec);
  return { spec, kind, module: kind === 'package' ? packageSpec(spec) : undefined, dynamic: false, start, end };
}

/**
 * The parsed spec, or undefined for one that is not a valid package name (Node will report it when
 * the require runs, as it always has). A spec that asks for a version (`@` after the name's first
 * character) and is invalid is refused here, since it would otherwise silently load the host's.
 */
function packageSpec(spec: string): RequireSite['module'] {
  try {
    return parseSpec(spec);
  } catch (error) {
    if (spec.indexOf('@', 1) !== -1) throw error;
    return undefined;
  }
}
