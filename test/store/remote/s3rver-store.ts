import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

/** s3rver's fixed credentials (it checks V2/V4 signatures against them). */
export const S3RVER_KEY = { id: 'S3RVER', secret: 'S3RVER' };

export interface RunningS3rver {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** An s3rver (an independent S3 implementation) on a free port over a temp directory. */
export async function startS3rver(): Promise<RunningS3rver> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossbatch-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    vhostBuckets: false,
  });
  const address = await server.run();
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    async stop() {
      server.httpServer.closeAllConnections();
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
