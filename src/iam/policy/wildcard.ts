/**
 * Wildcard matching for Action, Resource and StringLike values: `*` is any run (including empty), `?` is
 * exactly one character. A hand matcher instead of RegExp: policies come from users (bucket policies via
 * PutBucketPolicy), and a pattern such as `*a*a*a*a*b` compiled to a backtracking RegExp is exponential on
 * a 1023-character object key, while the two-pointer matcher below is O(pattern × input) at worst.
 */

export type Matcher = (input: string) => boolean;

const ALWAYS: Matcher = () => true;
const NEVER: Matcher = () => false;
const STAR = 42; // '*'
const QUESTION = 63; // '?'

/** True when `input` matches the wildcard `pattern` (case-sensitive; lower-case both for insensitive use). */
export function globMatch(pattern: string, input: string): boolean {
  let p = 0;
  let s = 0;
  let star = -1;
  let mark = 0;
  while (s < input.length) {
    const pc = p < pattern.length ? pattern.charCodeAt(p) : -1;
    if (pc === QUESTION || pc === input.charCodeAt(s)) {
      p++;
      s++;
    } else if (pc === STAR) {
      star = p++;
      mark = s;
    } else if (star !== -1) {
      p = star + 1;
      s = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern.charCodeAt(p) === STAR) p++;
  return p === pattern.length;
}

const hasWildcard = (p: string): boolean => p.includes('*') || p.includes('?');

/**
 * One matcher for a list of patterns (any may match). Exact names go to a Set, `prefix*` patterns to
 * startsWith, the rest to globMatch. With `ignoreCase` the patterns are lower-cased here and the caller must
 * pass lower-cased input (the evaluator lower-cases the action once per request, not once per statement).
 */
export function compileMatcher(patterns: readonly string[], ignoreCase: boolean): Matcher {
  const list = ignoreCase ? patterns.map((p) => p.toLowerCase()) : [...patterns];
  if (list.length === 0) return NEVER;
  if (list.includes('*')) return ALWAYS;
  const exact = new Set(list.filter((p) => !hasWildcard(p)));
  const wild = list.filter(hasWildcard);
  const prefixes = wild
    .filter((p) => p.endsWith('*') && !hasWildcard(p.slice(0, -1)))
    .map((p) => p.slice(0, -1));
  const globs = wild.filter((p) => !(p.endsWith('*') && !hasWildcard(p.slice(0, -1))));
  if (wild.length === 0) {
    if (exact.size === 1) {
      const only = list[0];
      return (input) => input === only;
    }
    return (input) => exact.has(input);
  }
  return (input) => {
    if (exact.has(input)) return true;
    for (const prefix of prefixes) if (input.startsWith(prefix)) return true;
    for (const glob of globs) if (globMatch(glob, input)) return true;
    return false;
  };
}
