import { authenticateSync } from '../dist/protocol/authenticate.js';
import { parseRequestTarget } from '../dist/protocol/request-target.js';
import { signV4, requestPath } from '../dist/protocol/sign-client.js';
import OSS from 'ali-oss';
const ak = 'LTAIbenchHttpRoot0001', secret = 'bench-http-secret-not-for-production';
const rec = { accessKeyId: ak, secret, active: true, principal: { kind: 'root', accountId: '1', accessKeyId: ak } } as never;
const deps = { lookupKey: () => rec, clock: { now: () => Date.now() } as never, region: 'cn-hangzhou' };
const client = new OSS({ endpoint: 'http://localhost:1', accessKeyId: ak, accessKeySecret: secret, region: 'oss-cn-hangzhou', authorizationV4: true, sldEnable: true, bucket: 'bench-http' });
const url = new URL(await client.signatureUrlV4('GET', 3600, { headers: {} }, 'tiny.txt'));
const pre = { rawUrl: url.pathname + url.search, headers: { host: 'localhost:1' } };
const h = signV4({ method: 'HEAD', bucket: 'bench-http', key: 'tiny.txt', accessKeyId: ak, secret, region: 'cn-hangzhou', date: new Date() });
const head = { rawUrl: requestPath({ bucket: 'bench-http', key: 'tiny.txt' }), headers: { host: 'localhost:1', ...h } };
console.log(pre.rawUrl);
for (const [name, r, m] of [['presigned GET', pre, 'GET'], ['V4 HEAD', head, 'HEAD']] as const) {
  const run = () => { const target = parseRequestTarget({ rawUrl: r.rawUrl, host: 'localhost', baseDomains: ['localhost'] }); return authenticateSync({ method: m, target, headers: r.headers }, deps); };
  for (let i = 0; i < 5000; i++) run();
  const N = 30000; const c0 = process.cpuUsage(); for (let i = 0; i < N; i++) run(); const c = process.cpuUsage(c0);
  console.log(name, ((c.user + c.system) / N).toFixed(1), 'µs cpu');
}
