/** A tiny node:http server that records requests and answers from a script (real-clients §8). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Captured {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export type Responder = (req: Captured, index: number, res: http.ServerResponse) => void;

export interface CaptureServer {
  readonly url: string;
  readonly requests: Captured[];
  close(): Promise<void>;
}

export async function startCaptureServer(respond: Responder): Promise<CaptureServer> {
  const requests: Captured[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const captured = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(captured);
      respond(captured, requests.length - 1, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function xmlReply(
  res: http.ServerResponse,
  status: number,
  xml: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/xml',
    'x-oss-request-id': 'REQ0000000000000000000001',
    ...headers,
  });
  res.end(xml);
}

export const errorXml = (code: string, message: string, ec = '0000-00000000'): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>REQ-${code}</RequestId><HostId>h</HostId><EC>${ec}</EC></Error>`;
