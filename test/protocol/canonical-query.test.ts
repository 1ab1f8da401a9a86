import { describe, expect, it } from 'vitest';
import { canonicalQueryV4 } from '../../src/protocol/signature-v4.js';

/** A small generator with a fixed seed: the same inputs on every run. */
function generator(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

const ALPHABET = [
  'a',
  'b',
  'A',
  'z',
  '-',
  '_',
  '.',
  '~',
  '=',
  '&',
  '/',
  ' ',
  '+',
  '%',
  'é',
  '中',
  '😀',
  '0',
  '9',
];

describe('canonicalQueryV4, spec form', () => {
  it('builds the same string on the short-query path as on the general one', () => {
    const random = generator(10);
    const word = (max: number): string =>
      Array.from(
        { length: Math.floor(random() * max) },
        () => ALPHABET[Math.floor(random() * ALPHABET.length)],
      ).join('');
    for (let n = 0; n < 20_000; n++) {
      const count = Math.floor(random() * 17);
      const pairs: [string, string][] = [];
      for (let i = 0; i < count; i++) {
        // Repeated keys and values, empty ones, keys that are prefixes of others: the orderings that matter.
        const k = i > 0 && random() < 0.2 ? (pairs[Math.floor(random() * i)]?.[0] ?? '') : word(4);
        pairs.push([k, random() < 0.3 ? '' : word(3)]);
      }
      // An empty keepEquals set takes the general path and changes nothing else.
      expect(canonicalQueryV4(pairs)).toBe(canonicalQueryV4(pairs, { keepEquals: new Set() }));
    }
  });

  it('orders by encoded key, then value, and leaves a bare key for an empty value', () => {
    expect(
      canonicalQueryV4([
        ['x-oss-date', '20260101T000000Z'],
        ['a-b', '1'],
        ['a', '2'],
        ['a', '1'],
        ['tagging', ''],
        ['k y', 'v/w'],
      ]),
    ).toBe('a=1&a=2&a-b=1&k%20y=v%2Fw&tagging&x-oss-date=20260101T000000Z');
  });
});
