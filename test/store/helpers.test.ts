import { describe, expect, it } from 'vitest';
import { OssError } from '../../src/protocol/oss-error.js';
import {
  compareKeys,
  isReadable,
  mergeTags,
  planRestore,
  prefixSuccessor,
  restoreHeader,
  restoreStatus,
  validateTags,
} from '../../src/store/builtin/index.js';
import type { RestoreState, StorageClass } from '../../src/store/types.js';

const tagError = (tags: { key: string; value: string }[]): OssError => {
  try {
    validateTags(tags);
  } catch (e) {
    return e as OssError;
  }
  throw new Error('no error');
};

describe('validateTags', () => {
  it('accepts the allowed characters, unicode letters, empty values and the limits', () => {
    validateTags([]);
    validateTags([
      { key: 'a b+c-d=e.f_g:h/i', value: '' },
      { key: '标签', value: 'Wert9' },
    ]);
    validateTags(Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: 'v' })));
    validateTags([{ key: 'k'.repeat(128), value: 'v'.repeat(256) }]);
  });

  it('names the broken rule', () => {
    const many = tagError(Array.from({ length: 11 }, (_, i) => ({ key: `k${i}`, value: 'v' })));
    expect(many).toMatchObject({ code: 'InvalidTag', status: 400, ec: '0010-00000209' });
    expect(many.message).toContain('(11)');
    expect(tagError([{ key: 'k'.repeat(129), value: '' }]).message).toContain('longer than 128');
    expect(tagError([{ key: 'k', value: 'v'.repeat(257) }]).message).toContain('longer than 256');
    expect(tagError([{ key: 'a*b', value: '' }]).message).toContain('"a*b" contains');
    expect(tagError([{ key: 'k', value: 'x&y' }]).message).toContain('value of tag "k" contains');
    expect(tagError([{ key: '', value: 'v' }]).message).toContain('empty');
    expect(
      tagError([
        { key: 'd', value: '1' },
        { key: 'd', value: '2' },
      ]).message,
    ).toContain('more than once');
  });

  it('merges with the new value winning', () => {
    expect(
      mergeTags(
        [
          { key: 'a', value: '1' },
          { key: 'b', value: '2' },
        ],
        [
          { key: 'b', value: '3' },
          { key: 'c', value: '4' },
        ],
      ),
    ).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: '3' },
      { key: 'c', value: '4' },
    ]);
  });
});

describe('restore helpers', () => {
  const meta = (storageClass: StorageClass, restore: RestoreState | null) => ({ storageClass, restore });
  const r: RestoreState = {
    readyAt: 1000,
    expiresAt: Date.UTC(2017, 3, 16, 8, 12, 33),
    days: 1,
    tier: 'Standard',
  };

  it('maps times to statuses and headers', () => {
    expect(restoreStatus(meta('Standard', null), 0)).toBe('not-archived');
    expect(isReadable(meta('IA', null), 0)).toBe(true);
    expect(restoreStatus(meta('Archive', null), 0)).toBe('frozen');
    expect(restoreStatus(meta('Archive', r), 999)).toBe('restoring');
    expect(restoreHeader(meta('Archive', r), 999)).toBe('ongoing-request="true"');
    expect(restoreStatus(meta('Archive', r), 1000)).toBe('restored');
    expect(restoreHeader(meta('Archive', r), 1000)).toBe(
      'ongoing-request="false", expiry-date="Sun, 16 Apr 2017 08:12:33 GMT"',
    );
    expect(restoreStatus(meta('Archive', r), r.expiresAt)).toBe('frozen');
    expect(restoreHeader(meta('Archive', r), r.expiresAt)).toBeUndefined();
    expect(isReadable(meta('Archive', r), r.expiresAt)).toBe(false);
  });

  it('plans restores from the injected time', () => {
    expect(planRestore(meta('Archive', null), 1, 'Bulk', 100, 50)).toEqual({
      outcome: 'accepted',
      state: { readyAt: 150, expiresAt: 150 + 86_400_000, days: 1, tier: 'Standard' },
    });
    expect(planRestore(meta('Archive', r), 1, undefined, 500, 50)).toEqual({ outcome: 'in-progress' });
    expect(() => planRestore(meta('Standard', null), 1, undefined, 0, 0)).toThrow(
      expect.objectContaining({ code: 'OperationNotSupported' }),
    );
    expect(() => planRestore(meta('ColdArchive', null), 1.5, undefined, 0, 0)).toThrow(
      expect.objectContaining({ code: 'InvalidArgument' }),
    );
  });
});

describe('key order helpers', () => {
  it('computes prefix successors in UTF-8 byte order', () => {
    expect(prefixSuccessor('a/')).toBe('a0');
    expect(prefixSuccessor('')).toBeUndefined();
    expect(prefixSuccessor('a\u{10FFFF}')).toBe('b');
    expect(prefixSuccessor('\uD7FF')).toBe('\uE000');
    for (const s of ['a/', 'x\uFFFF', '😀', 'k\u{10FFFF}\u{10FFFF}']) {
      const succ = prefixSuccessor(s)!;
      expect(compareKeys(s + '\u{10FFFF}\u{10FFFF}', succ)).toBeLessThan(0);
      expect(compareKeys(s, succ)).toBeLessThan(0);
    }
  });
});
