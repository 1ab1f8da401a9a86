import { describe, expect, it } from 'vitest';
import { decodeKey, percentBytesValid } from '../../src/engine/manifest/percent.js';
import { csvLayout, inventoryLayout } from '../../src/engine/manifest/row-layout.js';
import { parseRow, splitQuoted } from '../../src/engine/manifest/row-parser.js';

const reference = (raw: string): string | undefined => {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
};

describe('key percent-decoding', () => {
  it.each([
    ['a%20b', 'a b'],
    ['%E4%B8%AD', '中'],
    ['%e4%b8%ad', '中'],
    ['a%2Bb', 'a+b'],
    ['a+b', 'a+b'],
    ['中%20x', '中 x'],
    ['%F0%9F%98%80', '😀'],
    ['100%', undefined],
    ['%2', undefined],
    ['%zz', undefined],
    ['%E4%B8', undefined],
    ['%C0%AF', undefined],
    ['%ED%A0%80', undefined],
    ['%FF', undefined],
  ])('decodes %j like decodeURIComponent', (raw, want) => {
    expect(decodeKey(raw)).toBe(want);
    expect(reference(raw)).toBe(want);
    const buf = Buffer.from(`x,${raw},y`);
    expect(percentBytesValid(buf, 2, 2 + Buffer.byteLength(raw))).toBe(want !== undefined);
  });

  it('agrees with decodeURIComponent on random escape soup', () => {
    const alphabet = [
      '%',
      '2',
      'F',
      'e',
      'E',
      '4',
      '8',
      'B',
      'A',
      'D',
      'C',
      '0',
      'a',
      '/',
      '+',
      ' ',
      '中',
      '9',
    ];
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 5000; i++) {
      let s = '';
      const len = 1 + rnd(12);
      for (let j = 0; j < len; j++) s += alphabet[rnd(alphabet.length)];
      expect(decodeKey(s)).toBe(reference(s));
      expect(percentBytesValid(Buffer.from(s), 0, Buffer.byteLength(s))).toBe(reference(s) !== undefined);
    }
  });
});

describe('row parsing', () => {
  it('splits quoted fields per RFC 4180 within one line', () => {
    expect(splitQuoted('"a,b","c""d",e,""')).toEqual(['a,b', 'c"d', 'e', '']);
    expect(splitQuoted('a,"b"')).toEqual(['a', 'b']);
    expect(splitQuoted('a,')).toEqual(['a', '']);
    expect(splitQuoted('"a')).toBe('unterminated quoted field');
    expect(splitQuoted('a"b,c')).toBe('quote inside an unquoted field');
  });

  it('maps columns by Fields and by inventory fileSchema', () => {
    expect(parseRow('k,b,v', csvLayout('Key,Bucket,VersionId'))).toEqual({
      bucket: 'b',
      key: 'k',
      versionId: 'v',
    });
    const inv = inventoryLayout(' bucket ,KEY, Size ,IsDeleteMarker');
    expect(parseRow('"b","a%2Fb","5","false"', inv)).toEqual({ bucket: 'b', key: 'a/b' });
    expect(parseRow('"b","x","5","True"', inv)).toBeNull();
    expect(parseRow('b,k', inv)).toBe('expected 4 column(s), found 2');
  });

  it('counts the fields of an unquoted row whatever the layout expects (fewer, exact, more)', () => {
    const plain = csvLayout(undefined);
    expect(parseRow('b', plain)).toBe('expected 2 column(s), found 1');
    expect(parseRow('b,k', plain)).toEqual({ bucket: 'b', key: 'k' });
    expect(parseRow('b,k,v,x', plain)).toBe('expected 2 column(s), found 4');
    expect(parseRow('b,k,', plain)).toBe('expected 2 column(s), found 3');
    const three = csvLayout('Bucket,Key,VersionId');
    expect(parseRow('b,k', three)).toBe('expected 3 column(s), found 2');
    expect(parseRow('b,k,', three)).toEqual({ bucket: 'b', key: 'k' });
  });

  it('refuses bad Fields', () => {
    expect(() => csvLayout('Bucket,Key,Key')).toThrow(/twice/);
    expect(() => csvLayout('Bucket,Name')).toThrow(/Unknown manifest field/);
    expect(csvLayout(undefined)).toMatchObject({ columns: 2, bucket: 0, key: 1, versionId: -1 });
    expect(csvLayout('  ')).toMatchObject({ columns: 2 });
  });
});
