import { describe, expect, it } from 'vitest';
import { OssError } from '../../src/protocol/oss-error.js';
import { isStorageExhausted } from '../../src/store/storage-full.js';

/** The one place that decides "the disk is full" (engine backoff, 507 answers) for every backend's errors. */
describe('isStorageExhausted', () => {
  const coded = (code: string): Error => Object.assign(new Error(code), { code });
  it('recognises a full disk from the filesystem, SQLite, PostgreSQL and the store floor', () => {
    for (const code of ['ENOSPC', 'EDQUOT', 'SQLITE_FULL', '53100'])
      expect(isStorageExhausted(coded(code)), code).toBe(true);
    expect(isStorageExhausted(new OssError('InsufficientStorage'))).toBe(true);
  });
  it('leaves every other error to the caller', () => {
    for (const code of ['ENOENT', 'EACCES', 'SQLITE_BUSY', 'SQLITE_CORRUPT', '53200', '23505'])
      expect(isStorageExhausted(coded(code)), code).toBe(false);
    expect(isStorageExhausted(new OssError('InternalError'))).toBe(false);
    expect(isStorageExhausted(new Error('no code'))).toBe(false);
    expect(isStorageExhausted(undefined)).toBe(false);
  });
});
