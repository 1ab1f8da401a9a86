import { describe, expect, it } from 'vitest';
import { compileMatcher, globMatch, prefixScope } from '../../src/iam/policy/wildcard.js';

/** A small alphabet so that random patterns, prefixes and suffixes collide often. */
const ALPHABET = ['a', 'b', '/', ':'];
const WILD = ['*', '?'];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function word(next: () => number, max: number, wild: boolean): string {
  const n = Math.floor(next() * (max + 1));
  let out = '';
  for (let i = 0; i < n; i++) {
    const pool = wild && next() < 0.3 ? WILD : ALPHABET;
    out += pool[Math.floor(next() * pool.length)];
  }
  return out;
}

describe('prefixScope: what a Resource list does to every string starting with a prefix', () => {
  it('claims "all" or "none" only when every suffix agrees (50,000 random pattern lists)', () => {
    const next = rng(7);
    let all = 0;
    let none = 0;
    for (let round = 0; round < 50_000; round++) {
      const patterns = Array.from({ length: 1 + Math.floor(next() * 3) }, () => word(next, 5, true));
      const prefix = word(next, 4, false);
      const scope = prefixScope(patterns, prefix);
      if (scope === 'some') continue;
      if (scope === 'all') all++;
      else none++;
      const matches = compileMatcher(patterns, false);
      for (let k = 0; k < 12; k++) {
        const resource = prefix + word(next, 6, false);
        expect({ patterns, prefix, resource, match: matches(resource) }).toEqual({
          patterns,
          prefix,
          resource,
          match: scope === 'all',
        });
      }
    }
    // The classifier must also say something useful, not 'some' every time.
    expect(all).toBeGreaterThan(1000);
    expect(none).toBeGreaterThan(1000);
  });

  it('recognises the shapes job roles are written with', () => {
    const prefix = 'acs:oss:cn-hangzhou:1234:src/';
    expect(prefixScope(['acs:oss:*:*:src/*'], prefix)).toBe('all');
    expect(prefixScope(['*'], prefix)).toBe('all');
    expect(prefixScope(['acs:oss:*:*:*'], prefix)).toBe('all');
    expect(prefixScope(['acs:oss:*:1234:src*'], prefix)).toBe('all');
    expect(
      prefixScope(['acs:oss:cn-beijing:*:src/*', 'acs:ecs:*', 'acs:oss:cn-hangzhou:1234:src'], prefix),
    ).toBe('none');
    // `*` spans `:` and `/`, so another bucket's pattern still matches keys such as `x:other/y` here.
    expect(prefixScope(['acs:oss:*:*:other/*'], prefix)).toBe('some');
    expect(globMatch('acs:oss:*:*:other/*', `${prefix}x:other/y`)).toBe(true);
    expect(prefixScope(['acs:oss:*:*:src/logs/*'], prefix)).toBe('some');
    expect(prefixScope(['acs:oss:*:*:src/a.txt'], prefix)).toBe('some');
    expect(prefixScope(['acs:oss:*:*:*/secret/*'], prefix)).toBe('some');
    expect(globMatch('acs:oss:*:*:*/secret/*', `${prefix}x/secret/y`)).toBe(true);
  });
});
