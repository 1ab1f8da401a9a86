import { OssError } from '../../protocol/oss-error.js';
import type { Tag } from '../types.js';

/** Object tagging limits (spec §11.1). */
export const MAX_TAGS = 10;
export const MAX_TAG_KEY_CHARS = 128;
export const MAX_TAG_VALUE_CHARS = 256;

/** Letters, digits, space and `+ - = . _ : /` (spec §11.1); letters/digits include non-ASCII ones. */
const TAG_CHARS = /^[\p{L}\p{N} +\-=._:/]*$/u;

/** Arrays already validated: the batch engine passes the same job-wide tag array for every object. */
const validated = new WeakSet<readonly Tag[]>();

const charCount = (s: string): number => {
  let n = 0;
  for (const _ of s) n += 1;
  return n;
};

/**
 * Throws OssError InvalidTag naming the first rule a tag set breaks: ≤10 tags, unique keys, key 1–128
 * characters, value ≤256 characters, allowed characters only. Shared by the HTTP and jobs layers.
 */
export function validateTags(tags: readonly Tag[]): void {
  if (validated.has(tags)) return;
  if (tags.length > MAX_TAGS) {
    throw new OssError('InvalidTag', `The number of tags (${tags.length}) exceeds the limit of ${MAX_TAGS}.`);
  }
  const seen = new Set<string>();
  for (const { key, value } of tags) {
    if (key.length === 0) throw new OssError('InvalidTag', 'A tag key must not be empty.');
    if (charCount(key) > MAX_TAG_KEY_CHARS) {
      throw new OssError(
        'InvalidTag',
        `The tag key "${key.slice(0, 32)}…" is longer than ${MAX_TAG_KEY_CHARS} characters.`,
      );
    }
    if (charCount(value) > MAX_TAG_VALUE_CHARS) {
      throw new OssError(
        'InvalidTag',
        `The value of tag "${key}" is longer than ${MAX_TAG_VALUE_CHARS} characters.`,
      );
    }
    if (!TAG_CHARS.test(key)) {
      throw new OssError(
        'InvalidTag',
        `The tag key "${key}" contains a character other than letters, digits, space and + - = . _ : /.`,
      );
    }
    if (!TAG_CHARS.test(value)) {
      throw new OssError(
        'InvalidTag',
        `The value of tag "${key}" contains a character other than letters, digits, space and + - = . _ : /.`,
      );
    }
    if (seen.has(key)) throw new OssError('InvalidTag', `The tag key "${key}" appears more than once.`);
    seen.add(key);
  }
  validated.add(tags);
}

/** Encoded text per tag array, so a job-wide array is stringified once, not once per object. */
const encoded = new WeakMap<readonly Tag[], string | null>();

/** Compact column form: `[["k","v"],…]`, NULL when there are no tags. */
export function encodeTags(tags: readonly Tag[]): string | null {
  const hit = encoded.get(tags);
  if (hit !== undefined) return hit;
  const text = tags.length === 0 ? null : JSON.stringify(tags.map((t) => [t.key, t.value]));
  encoded.set(tags, text);
  return text;
}

export function decodeTags(text: string | null): Tag[] {
  if (text === null) return [];
  return (JSON.parse(text) as [string, string][]).map(([key, value]) => ({ key, value }));
}

/** AddObjectTagging: existing tags with the new ones merged in; a repeated key takes the new value (spec gap 26). */
export function mergeTags(current: readonly Tag[], added: readonly Tag[]): Tag[] {
  const merged = new Map<string, string>();
  for (const t of current) merged.set(t.key, t.value);
  for (const t of added) merged.set(t.key, t.value);
  return [...merged].map(([key, value]) => ({ key, value }));
}
