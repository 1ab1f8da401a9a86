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

/**
 * What a list of patterns does to every string that starts with a given prefix: matches them all, none of
 * them, or some. `'all'` and `'none'` are only claimed when certain (sufficient tests below); anything else
 * is `'some'`, which a caller must treat as "depends on the rest of the string". The batch engine asks it
 * about `acs:oss:<region>:<owner>:<bucket>/` to decide a bucket's tasks once instead of once per key.
 */
export type PrefixScope = 'all' | 'none' | 'some';

/** Adds `p` and, past each `*` (which may match nothing), the positions after it. */
function close(pattern: string, states: Uint8Array, p: number): void {
  for (; p <= pattern.length && states[p] === 0; p++) {
    states[p] = 1;
    if (pattern.charCodeAt(p) !== STAR) return;
  }
}

/**
 * Runs the pattern as an automaton over the prefix alone: the positions it can be at once the prefix is
 * read. None left: no string starting with the prefix matches. A position whose rest is only `*`: every
 * one does. Otherwise the rest of the string decides. O(pattern × prefix), asked once per batch and bucket.
 */
function patternScope(pattern: string, prefix: string): PrefixScope {
  let states = new Uint8Array(pattern.length + 1);
  close(pattern, states, 0);
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix.charCodeAt(i);
    const next = new Uint8Array(pattern.length + 1);
    let any = false;
    for (let p = 0; p < pattern.length; p++) {
      if (states[p] === 0) continue;
      const pc = pattern.charCodeAt(p);
      if (pc === STAR) close(pattern, next, p);
      else if (pc === QUESTION || pc === c) close(pattern, next, p + 1);
      else continue;
      any = true;
    }
    if (!any) return 'none';
    states = next;
  }
  for (let p = 0; p < pattern.length; p++) {
    if (states[p] === 0) continue;
    let q = p;
    while (q < pattern.length && pattern.charCodeAt(q) === STAR) q++;
    if (q === pattern.length) return 'all';
  }
  return 'some';
}

/** compileMatcher's patterns (any may match), classified for strings starting with `prefix`. */
export function prefixScope(patterns: readonly string[], prefix: string): PrefixScope {
  let scope: PrefixScope = 'none';
  for (const p of patterns) {
    const s = patternScope(p, prefix);
    if (s === 'all') return 'all';
    if (s === 'some') scope = 'some';
  }
  return scope;
}

/** The scope of a negated list (NotAction / NotResource): all and none trade places. */
export const negateScope = (s: PrefixScope): PrefixScope => (s === 'all' ? 'none' : s === 'none' ? 'all' : s);
