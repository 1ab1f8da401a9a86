import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');

/** The CommonJS packages a fresh process has loaded after running `code` (an ES module, through tsx). */
function packagesLoadedBy(code: string): string[] {
  const probe = `${code}
import { createRequire } from 'node:module';
const loaded = new Set();
for (const file of Object.keys(createRequire(import.meta.url).cache)) {
  const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(file);
  if (m) loaded.add(m[1]);
}
console.log(JSON.stringify([...loaded]));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
    cwd: root,
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop() ?? '[]') as string[];
}

describe('a built-in-store server does not load the remote drivers (~15 MB of RSS)', () => {
  it('importing the composition root and the CLI server command loads neither ali-oss nor the AWS SDK', () => {
    const loaded = packagesLoadedBy(
      "await import('./src/server.ts'); await import('./src/store/remote/store-unavailable.ts');",
    );
    expect(loaded).toContain('fastify');
    expect(loaded).not.toContain('ali-oss');
    expect(loaded.filter((p) => p.startsWith('@aws-sdk/') || p.startsWith('@smithy/'))).toEqual([]);
  }, 60_000);

  it('the remote store module does load them (the probe can see them)', () => {
    const loaded = packagesLoadedBy("await import('./src/store/remote/index.ts');");
    expect(loaded).toContain('ali-oss');
  }, 60_000);
});
