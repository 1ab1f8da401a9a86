/**
 * CPU per request of the whole request path, in one process (issue 10): the compiled server (dist/,
 * `npm run build` first) and a bare Node `http` server answering the same bytes, each driven over real
 * loopback sockets by a minimal pipelining client in this process. The figure is the process's CPU time
 * (user + system) per request: unlike wall-clock rates it stays comparable while other work shares the
 * machine, and the client's own share is the same for both servers, so `ossbatch − bare` is what the
 * server's code costs beyond Node's HTTP machinery. Request log on at `info` into an asynchronous
 * /dev/null destination (the server's stdout destination settings).
 *
 *   npx tsx bench/http-inproc.ts [--requests 60000] [--rounds 3] [--cases head,tagging,presigned] [--dist DIR]
 *
 * `--dist` points at another checkout's dist/ (e.g. ../before/dist) to measure a build before a change
 * with the same harness; run both alternately in one sitting.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import OSS from 'ali-oss';
import pino from 'pino';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const REQUESTS = Number(arg('requests', '60000'));
const ROUNDS = Number(arg('rounds', '3'));
const CONNECTIONS = 16;
const PIPELINE = 4;
const dist = path.resolve(arg('dist', path.join(import.meta.dirname, '../dist')));
const REGION = 'cn-hangzhou';

type Mod = Record<string, (...a: never[]) => unknown>;
const load = async (p: string): Promise<Mod> => (await import(path.join(dist, p))) as Mod;
const config = (await load('config.js')) as unknown as {
  buildConfig(c: object): object;
  DEFAULTS: object;
  defaultBaseDomains(r: string): string[];
};
const serverMod = (await load('server.js')) as unknown as {
  startServer(
    c: object,
    o: object,
  ): Promise<{
    port: number;
    root: { accessKeyId: string; secret: string; accountId: string };
    store: {
      createBucket(b: object): Promise<unknown>;
      putObject(o: object): Promise<unknown>;
    };
    close(): Promise<void>;
  }>;
};
const signMod = (await load('protocol/sign-client.js')) as unknown as {
  signV4(r: object): Record<string, string>;
  requestPath(r: object): string;
};

/** Sends `total` copies of `request` over CONNECTIONS sockets, PIPELINE in flight each; resolves when all answered. */
function drive(port: number, request: Buffer, total: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = 0;
    const marker = Buffer.from('HTTP/1.1 ');
    for (let c = 0; c < CONNECTIONS; c++) {
      const socket = net.connect(port, '127.0.0.1');
      socket.setNoDelay(true);
      let inFlight = 0;
      let tail: Buffer = Buffer.alloc(0);
      const top = (): void => {
        while (inFlight < PIPELINE && sent < total) {
          socket.write(request);
          inFlight++;
          sent++;
        }
        if (inFlight === 0) socket.end();
      };
      socket.on('data', (chunk: Buffer) => {
        const data = tail.length > 0 ? Buffer.concat([tail, chunk]) : chunk;
        let at = data.indexOf(marker);
        let last = -1;
        while (at >= 0) {
          inFlight--;
          answered++;
          last = at;
          at = data.indexOf(marker, at + marker.length);
        }
        tail = data.subarray(last >= 0 ? last + marker.length : Math.max(0, data.length - 8));
        if (answered >= total) resolve();
        top();
      });
      socket.on('error', reject);
      top();
    }
  });
}

function rawRequest(method: string, pathAndQuery: string, headers: Record<string, string>): Buffer {
  let s = `${method} ${pathAndQuery} HTTP/1.1\r\nhost: localhost\r\nconnection: keep-alive\r\n`;
  for (const [k, v] of Object.entries(headers)) s += `${k}: ${v}\r\n`;
  return Buffer.from(`${s}\r\n`, 'latin1');
}

function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function measure(port: number, request: Buffer): Promise<number> {
  await drive(port, request, Math.min(5000, REQUESTS)); // warm-up: optimised code, caches filled
  const before = cpuUs();
  await drive(port, request, REQUESTS);
  return (cpuUs() - before) / REQUESTS;
}

/** Records what the real server answered, so the bare server answers the same bytes. */
function record(port: number, method: string, p: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: string[]; body: Buffer }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const skip = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);
        const flat: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2)
          if (!skip.has((res.rawHeaders[i] ?? '').toLowerCase()))
            flat.push(res.rawHeaders[i] ?? '', res.rawHeaders[i + 1] ?? '');
        resolve({ status: res.statusCode ?? 0, headers: flat, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-inproc-'));
const logger = pino(
  { level: 'info', name: 'ossbatch' },
  pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 }),
);
const cfg = config.buildConfig({
  ...config.DEFAULTS,
  port: 0,
  host: '127.0.0.1',
  dataDir: dir,
  logLevel: 'info',
  baseDomains: config.defaultBaseDomains(REGION),
});
const s = await serverMod.startServer(cfg, { logger });
try {
  await s.store.createBucket({
    name: 'inproc',
    owner: s.root.accountId,
    acl: 'private',
    storageClass: 'Standard',
  });
  await s.store.putObject({
    bucket: 'inproc',
    key: 'tiny.txt',
    body: Readable.from([Buffer.from('hello')]),
    tags: [{ key: 'team', value: 'bench' }],
  });
  const signed = (method: string, sub: Record<string, string>) => {
    const req = { method, bucket: 'inproc', key: 'tiny.txt', subresources: sub };
    return {
      path: signMod.requestPath(req),
      headers: signMod.signV4({ ...req, ...s.root, region: REGION, date: new Date() }),
    };
  };
  const client = new OSS({
    endpoint: `http://localhost:${s.port}`,
    accessKeyId: s.root.accessKeyId,
    accessKeySecret: s.root.secret,
    region: `oss-${REGION}`,
    authorizationV4: true,
    bucket: 'inproc',
    ...{ sldEnable: true },
  });
  const url = new URL(await client.signatureUrlV4('GET', 3600, { headers: {} }, 'tiny.txt'));
  const head = signed('HEAD', {});
  const tagging = signed('GET', { tagging: '' });
  const all = {
    head: { method: 'HEAD', ...head },
    tagging: { method: 'GET', ...tagging },
    presigned: { method: 'GET', path: url.pathname + url.search, headers: {} as Record<string, string> },
  };
  const only = arg('cases', 'head,tagging,presigned').split(',') as (keyof typeof all)[];
  const recorded = new Map<string, { status: number; headers: string[]; body: Buffer }>();
  for (const name of only) {
    const c = all[name];
    const r = await record(s.port, c.method, c.path, c.headers);
    if (r.status !== 200) throw new Error(`${name}: status ${r.status} ${r.body.toString()}`);
    recorded.set(`${c.method} ${c.path}`, r);
  }
  const bare = http.createServer((req, res) => {
    const a = recorded.get(`${req.method} ${req.url}`);
    if (a === undefined) return void res.writeHead(404, { 'Content-Length': 0 }).end();
    res.writeHead(a.status, a.headers);
    res.end(req.method === 'HEAD' ? undefined : a.body);
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const barePort = (bare.address() as net.AddressInfo).port;
  const out: Record<string, { ossbatch: number[]; bare: number[] }> = {};
  for (const name of only) {
    const c = all[name];
    const bytes = rawRequest(c.method, c.path, c.headers);
    const row = (out[name] = { ossbatch: [] as number[], bare: [] as number[] });
    for (let i = 0; i < ROUNDS; i++) {
      row.ossbatch.push(await measure(s.port, bytes));
      row.bare.push(await measure(barePort, bytes));
    }
  }
  bare.close();
  const med = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? NaN;
  const result = Object.fromEntries(
    Object.entries(out).map(([k, v]) => [
      k,
      {
        ossbatch_us: Math.round(med(v.ossbatch) * 10) / 10,
        bare_us: Math.round(med(v.bare) * 10) / 10,
        server_code_us: Math.round((med(v.ossbatch) - med(v.bare)) * 10) / 10,
        all_ossbatch_us: v.ossbatch.map((x) => Math.round(x)),
      },
    ]),
  );
  console.log(
    JSON.stringify({ dist, requests: REQUESTS, loadavg_1m: os.loadavg()[0]?.toFixed(1), ...result }),
  );
} finally {
  await s.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
