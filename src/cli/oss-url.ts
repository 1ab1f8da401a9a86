import { CliExit } from './output.js';

/** `oss://bucket/some/prefix` → { bucket, key: 'some/prefix' } (key '' when absent). */
export function parseOssUrl(url: string, what = 'location'): { bucket: string; key: string } {
  const m = /^oss:\/\/([^/]+)\/?(.*)$/s.exec(url);
  if (!m || m[1] === undefined)
    throw new CliExit(`${what} must look like oss://bucket[/key], not "${url}"`, 2);
  return { bucket: m[1], key: m[2] ?? '' };
}
