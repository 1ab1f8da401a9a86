/**
 * What `npm run bench:http` and `bench/http-syscalls.ts` send: the three requests (a V4-presigned GET of a
 * 5-byte object, a V4-signed HeadObject, a V4-signed GetObjectTagging), seeding ossbatch for them,
 * recording ossbatch's answers for the bare server, and the load generator (bench/http-load.ts) in its
 * own process.
 */
import http from 'node:http';
import path from 'node:path';
import { fork } from 'node:child_process';
import OSS from 'ali-oss';
import { signV4, requestPath } from '../dist/protocol/sign-client.js';
import type { LoadResult, LoadSpec } from './http-load.js';
import type { RecordedResponse } from './http-bare-server.js';

export const BUCKET = 'bench-http';
export const KEY = 'tiny.txt';
export const BODY = 'hello'; // 5 bytes, as in issue 10's measurement
export const REGION = 'cn-hangzhou';
export const ROOT = { accessKeyId: 'LTAIbenchHttpRoot0001', secret: 'bench-http-secret-not-for-production' };

export interface Case {
  readonly name: string;
  readonly method: 'GET' | 'HEAD';
  /** Path and query; headers are signed afresh before each run (V4 x-oss-date is fixed per signature). */
  readonly path: string;
  headers(): Record<string, string>;
}

export function v4Case(name: string, method: 'GET' | 'HEAD', subresources: Record<string, string>): Case {
  const req = { method, bucket: BUCKET, key: KEY, subresources };
  return {
    name,
    method,
    path: requestPath(req),
    headers: () => signV4({ ...req, ...ROOT, region: REGION, date: new Date() }),
  };
}

export async function seedAndPresign(port: number): Promise<Case> {
  const options = {
    // `localhost` as the tests use it (an IP endpoint changes what ali-oss signs); resolved to 127.0.0.1.
    endpoint: `http://localhost:${port}`,
    agent: new http.Agent({
      keepAlive: true,
      lookup: ((_host: string, o: { all?: boolean }, cb: (...args: unknown[]) => void) =>
        o?.all
          ? cb(null, [{ address: '127.0.0.1', family: 4 }])
          : cb(null, '127.0.0.1', 4)) as unknown as http.AgentOptions['lookup'],
    }),
    ...{ accessKeyId: ROOT.accessKeyId, accessKeySecret: ROOT.secret },
    region: `oss-${REGION}`,
    authorizationV4: true,
    sldEnable: true, // path-style; not in @types/ali-oss (real-clients §1.3)
  };
  const client = new OSS(options);
  await client.putBucket(BUCKET);
  client.useBucket(BUCKET);
  await client.put(KEY, Buffer.from(BODY), { headers: { 'x-oss-tagging': 'team=bench' } });
  // An hour: far longer than the run; the URL is the same for every server (the host is not signed).
  const url = new URL(await client.signatureUrlV4('GET', 3600, { headers: {} }, KEY));
  return { name: 'presigned_get', method: 'GET', path: url.pathname + url.search, headers: () => ({}) };
}

/** One request to ossbatch, recorded for the bare server (minus the headers Node writes itself). */
export function record(port: number, c: Case): Promise<RecordedResponse> {
  const own = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: c.method, path: c.path, headers: c.headers() },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (b: Buffer) => chunks.push(b));
        res.on('end', () => {
          if (res.statusCode !== 200)
            return reject(new Error(`${c.name}: ossbatch answered ${res.statusCode}`));
          const headers: [string, string][] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            const [name, value] = [res.rawHeaders[i] ?? '', res.rawHeaders[i + 1] ?? ''];
            if (!own.has(name.toLowerCase())) headers.push([name, value]);
          }
          const body = Buffer.concat(chunks).toString('base64');
          resolve({ method: c.method, url: c.path, status: 200, headers, bodyBase64: body });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

export function load(spec: LoadSpec): Promise<LoadResult> {
  const child = fork(path.join(import.meta.dirname, 'http-load.ts'), [JSON.stringify(spec)], {
    execArgv: ['--import', 'tsx'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
  });
}
