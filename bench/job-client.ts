/**
 * The three batch-job calls bench/jobs.ts makes (from its client process, bench/job-client-process.ts), through ali-oss `client.request()` as real-clients.md §1.3
 * shows. Kept apart from test/helpers: those import the server's `src/` through tsx, which loaded a second,
 * unused copy of the whole server into the bench process (+65 MB RSS counted as the server's peak).
 */
import http from 'node:http';
import OSS from 'ali-oss';

/** Every host name resolves to 127.0.0.1 (the bench's server listens there; `localhost` may mean ::1). */
const loopbackAgent = (): http.Agent =>
  new http.Agent({
    keepAlive: true,
    lookup: ((_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
      if (options?.all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
      else cb(null, '127.0.0.1', 4);
    }) as unknown as http.AgentOptions['lookup'],
  });

export function makeJobClient(port: number, creds: { accessKeyId: string; secret: string }): OSS {
  const options = {
    endpoint: `http://localhost:${port}`,
    accessKeyId: creds.accessKeyId,
    accessKeySecret: creds.secret,
    region: 'oss-cn-hangzhou',
    agent: loopbackAgent(),
    sldEnable: true,
  };
  return new OSS(options);
}

interface RequestableClient {
  request(params: Record<string, unknown>): Promise<{ res: { status: number; data: Buffer } }>;
}

export type JobCall =
  | { api: 'CreateJob'; body: string }
  | { api: 'DescribeJob'; jobId: string }
  | { api: 'UpdateJobStatus'; jobId: string; status: string; reason?: string };

/** Sends one call; resolves with the response body (ali-oss rejects on a status other than 200). */
export async function jobCall(client: OSS, call: JobCall): Promise<string> {
  const base = { successStatuses: [200], xmlResponse: true };
  let params: Record<string, unknown>;
  switch (call.api) {
    case 'CreateJob':
      params = { method: 'POST', subres: { batchJob: '' }, content: call.body, mime: 'application/xml' };
      break;
    case 'DescribeJob':
      params = { method: 'GET', subres: { batchJob: '' }, query: { batchJobId: call.jobId } };
      break;
    case 'UpdateJobStatus': {
      const query: Record<string, unknown> = { batchJobId: call.jobId, requestedJobStatus: call.status };
      if (call.reason !== undefined) query.statusUpdateReason = call.reason;
      params = { method: 'POST', subres: { batchJobStatus: '' }, query };
      break;
    }
  }
  const result = await (client as unknown as RequestableClient).request({ ...base, ...params });
  const raw = result.res.data;
  return Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw ?? '');
}
