import { OssError } from '../protocol/oss-error.js';

export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Parses `Range: bytes=a-b | a- | -n` against an object of `size` bytes.
 * OSS default behaviour: a malformed or unsatisfiable range is ignored and the whole object served with 200;
 * with `x-oss-range-behavior: standard`, a start beyond the object answers 416 InvalidRange.
 * Multiple ranges are not supported by OSS and are ignored too. undefined = serve everything.
 */
export function parseRange(
  value: string | undefined,
  size: number,
  standard: boolean,
): ByteRange | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(value);
  if (!m) return undefined;
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return undefined;
  if (a === '') {
    const n = Number(b);
    if (n === 0 || size === 0) return unsatisfiable(standard, size);
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (!Number.isSafeInteger(start) || start >= size) return unsatisfiable(standard, size);
  if (b !== '' && Number(b) < start) return undefined;
  return { start, end };
}

function unsatisfiable(standard: boolean, size: number): undefined {
  if (standard) {
    throw new OssError('InvalidRange', undefined, {
      details: { RangeRequested: 'bytes', ActualObjectSize: String(size) },
    });
  }
  return undefined;
}
