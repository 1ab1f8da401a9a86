import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface Reply {
  /** Destroys the socket instead of answering (a network reset). */
  readonly reset?: boolean;
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export type Answer = (req: SeenRequest) => Reply | Promise<Reply>;

/** A small HTTP server that records every request and answers as the test says (an S3 or OSS stand-in). */
export async function startWireServer(answer: Answer): Promise<{
  url: string;
  port: number;
  seen: SeenRequest[];
  close(): Promise<void>;
}> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const r: SeenRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(r);
      void Promise.resolve(answer(r)).then((reply) => {
        if (reply.reset === true) {
          req.socket.destroy();
          return;
        }
        res.writeHead(reply.status, {
          'content-length': Buffer.byteLength(reply.body ?? ''),
          ...reply.headers,
        });
        res.end(reply.body ?? '');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An S3 error body as the S3 API reference documents it. */
export const s3Error = (status: number, code: string, message = code): Reply => ({
  status,
  headers: { 'content-type': 'application/xml' },
  body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>R1</RequestId><HostId>H1</HostId></Error>`,
});

/** An empty S3 bucket listing (the start-up check lists buckets). */
export const emptyBucketList: Reply = {
  status: 200,
  headers: { 'content-type': 'application/xml' },
  body: '<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Owner><ID>o</ID></Owner><Buckets></Buckets></ListAllMyBucketsResult>',
};
