import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ContentMd5Verifier, verifyContentMd5 } from '../../src/protocol/content-md5.js';
import { catchOss } from './helpers.js';

const body = Buffer.from('hello');
const good = createHash('md5').update(body).digest('base64'); // XUFAKrxLKna5cZ2REBfFkg==

describe('verifyContentMd5', () => {
  it('accepts the matching digest', () => {
    expect(good).toBe('XUFAKrxLKna5cZ2REBfFkg==');
    expect(() => verifyContentMd5(good, body)).not.toThrow();
  });

  it('a different body → InvalidDigest 400', () => {
    const err = catchOss(() => verifyContentMd5(good, Buffer.from('hellO')));
    expect(err.code).toBe('InvalidDigest');
    expect(err.status).toBe(400);
  });

  it.each(['', 'not-base64!', 'AAAA', Buffer.alloc(15).toString('base64'), `${good}x`])(
    'malformed header %j → InvalidDigest',
    (h) => {
      expect(catchOss(() => verifyContentMd5(h, body)).code).toBe('InvalidDigest');
    },
  );
});

describe('ContentMd5Verifier (streams)', () => {
  it('hashes chunks incrementally', () => {
    const v = new ContentMd5Verifier(good);
    v.update(Buffer.from('he'));
    v.update(Buffer.from('llo'));
    expect(v.finish().toString('base64')).toBe(good);
  });

  it('throws at finish on a mismatch, at construction on a malformed header', () => {
    const v = new ContentMd5Verifier(good);
    v.update(Buffer.from('nope'));
    expect(catchOss(() => v.finish()).code).toBe('InvalidDigest');
    expect(catchOss(() => new ContentMd5Verifier('zz')).code).toBe('InvalidDigest');
  });

  it('without an expected value it only computes the digest', () => {
    const v = new ContentMd5Verifier(undefined);
    v.update(body);
    expect(v.finish().toString('base64')).toBe(good);
  });
});
