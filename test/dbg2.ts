import { Readable } from 'node:stream';
import { ManualClock } from '../src/protocol/clock.js';
import { startServer } from '../src/server.js';
import { testConfig } from './helpers/server.js';
import { makeRemoteHarness, STORE_KEY } from './store/remote/remote-harness.js';
import fs from 'node:fs';
const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000);
const dir = fs.mkdtempSync('/tmp/dbg-');
const remote = await startServer(testConfig(dir, { rootAccessKeyId: STORE_KEY.id, rootAccessKeySecret: STORE_KEY.secret }), { clock });
const h = await makeRemoteHarness({ store: `oss+http://127.0.0.1:${remote.port}` }, clock, 2000, () => remote.close());
const s = h.store;
await s.createBucket({ name: 'bkt', owner: '1', acl: 'private', storageClass: 'Standard' });
for (const key of ['with space', 'a+b', '../up/..', 'dir/../x', '中文/ключ/🙂', '%20literal', 'x'.repeat(1023), 'trailing/']) {
  try { await s.putObject({ bucket: 'bkt', key, body: Readable.from([Buffer.from('x')]) }); console.log('ok', key.slice(0, 20)); } catch (e: any) { console.log('FAIL', key.slice(0, 20), e.message); }
}
await s.putObject({ bucket: 'bkt', key: 'cold', body: Readable.from([Buffer.from('x')]), storageClass: 'ColdArchive' });
console.log(await s.restoreObject('bkt', 'cold', 1, 'Standard'));
try { console.log(await s.restoreObject('bkt', 'cold', 1, 'Bulk')); } catch (e: any) { console.log('bulk', e.code, e.ec, e.message); }
await h.dispose();
