/**
 * Issue 11, the installable package: `npm pack` ships bin/ and dist/ (never a data dir, tests or sources),
 * and `import … from 'ossbatch/client'` type-checks in a consumer under moduleResolution node16, nodenext,
 * bundler and node (node10, through typesVersions). The consumer gets the packed tarball, unpacked the way
 * npm installs it, and is compiled with this repository's tsc.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, ensureBuilt } from '../helpers/cli-process.js';

let tmp: string;
let files: string[];

beforeAll(() => {
  ensureBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-pack-'));
  // --ignore-scripts: dist/ is already built (npm test builds first); prepare would rebuild it.
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], {
    cwd: REPO,
    encoding: 'utf8',
  });
  const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  files = (info?.files ?? []).map((f) => f.path);
  const pkgDir = path.join(tmp, 'consumer', 'node_modules', 'ossbatch');
  fs.mkdirSync(pkgDir, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(tmp, info?.filename ?? ''), '-C', pkgDir, '--strip-components=1']);
  fs.symlinkSync(
    path.join(REPO, 'node_modules', '@types'),
    path.join(tmp, 'consumer', 'node_modules', '@types'),
  );
}, 120_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('npm pack', () => {
  it('ships bin/ and dist/ with the client entry, and nothing else of the working tree', () => {
    expect(files).toContain('bin/ossbatch.js');
    expect(files).toContain('dist/client/index.js');
    expect(files).toContain('dist/client/index.d.ts');
    expect(files).toContain('package.json');
    const stray = files.filter(
      (f) => !/^(bin|dist|docs)\//.test(f) && !['package.json', 'README.md'].includes(f),
    );
    expect(stray).toEqual([]);
    expect(files.some((f) => /ossbatch-data|\.db$|^test\/|^src\//.test(f))).toBe(false);
  });
});

const CONSUMER = `import { OssBatchClient, type Job, type CreateJobInput } from 'ossbatch/client';
const client: OssBatchClient = new OssBatchClient({ endpoint: 'http://127.0.0.1:9600', accessKeyId: 'a', accessKeySecret: 'b' });
export const input: CreateJobInput = {
  operation: { type: 'PutObjectTagging', tags: [{ key: 'k', value: 'v' }] },
  source: { kind: 'prefix', sourceBucket: 'b', prefix: 'p/' },
  roleArn: 'acs:ram::1:role/r',
};
export async function status(id: string): Promise<Job['status']> {
  return (await client.describeJob(id)).status;
}
`;

describe.each([
  ['node16', 'node16', 'module'],
  ['nodenext', 'nodenext', 'module'],
  ['bundler', 'es2022', 'module'],
  ['node', 'commonjs', 'commonjs'],
])('a consumer with moduleResolution %s', (resolution, module, type) => {
  it('type-checks an import of ossbatch/client', () => {
    const dir = path.join(tmp, 'consumer');
    const project = path.join(dir, `tsconfig.${resolution}.json`);
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type }),
    );
    fs.writeFileSync(path.join(dir, 'index.ts'), CONSUMER);
    fs.writeFileSync(
      project,
      JSON.stringify({
        compilerOptions: {
          module,
          moduleResolution: resolution,
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
        },
        files: ['index.ts'],
      }),
    );
    const tsc = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
    let out = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', project], { cwd: dir, encoding: 'utf8' });
    } catch (err) {
      out = String((err as { stdout?: string }).stdout ?? err);
    }
    expect(out).toBe('');
  });
});
