import { describe, expect, it } from 'vitest';
import { parseIsoBasic } from '../../src/protocol/signature-v4.js';

/** The regex form parseIsoBasic replaced (issue 10): the reference for every input. */
function reference(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(t);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59)
    return undefined;
  return t;
}

describe('parseIsoBasic (V4 x-oss-date)', () => {
  it('reads valid dates and refuses impossible ones', () => {
    expect(parseIsoBasic('20261129T183000Z')).toBe(Date.UTC(2026, 10, 29, 18, 30, 0));
    expect(parseIsoBasic('20240229T000000Z')).toBe(Date.UTC(2024, 1, 29));
    for (const bad of [
      '20230229T000000Z', // no 29 February in 2023
      '20261301T000000Z',
      '20261129T240000Z',
      '20261129T236000Z',
      '20261129T235960Z',
      '20261129 183000Z',
      '20261129T183000',
      '20261129T183000Zx',
      '2026-129T183000Z',
      '2026112９T183000Z', // a full-width digit is not a digit here
      '',
    ])
      expect(parseIsoBasic(bad), bad).toBeUndefined();
  });

  it('agrees with the regex form on generated input', () => {
    const chars = ['0', '1', '2', '3', '5', '9', 'T', 'Z', '-', ' ', '٣'];
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let n = 0; n < 20_000; n++) {
      // Mostly well-formed shapes with one character changed, so both paths are exercised.
      const base = `${2000 + (next() % 60)}${String(1 + (next() % 13)).padStart(2, '0')}${String(next() % 32).padStart(2, '0')}T${String(next() % 25).padStart(2, '0')}${String(next() % 61).padStart(2, '0')}${String(next() % 61).padStart(2, '0')}Z`;
      const at = next() % 20;
      const v =
        at < 16 ? base.slice(0, at) + (chars[next() % chars.length] ?? '') + base.slice(at + 1) : base;
      expect(parseIsoBasic(v), v).toBe(reference(v));
    }
  });
});
