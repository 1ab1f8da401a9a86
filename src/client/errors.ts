import { XMLParser } from 'fast-xml-parser';

/**
 * A failure the client reports: an OSS `<Error>` reply (code, message, requestId, ec, status from the wire),
 * or a network failure after the retries ran out (code = the errno such as `ECONNREFUSED`, status 0).
 * Deliberately not the server's OssError: the client never imports server code (only signing and XML).
 */
export class OssError extends Error {
  readonly code: string;
  readonly requestId: string;
  readonly ec: string;
  readonly status: number;
  readonly hostId: string;

  constructor(init: {
    code: string;
    message: string;
    requestId?: string;
    ec?: string;
    status: number;
    hostId?: string;
  }) {
    super(init.message);
    this.name = 'OssError';
    this.code = init.code;
    this.requestId = init.requestId ?? '';
    this.ec = init.ec ?? '';
    this.status = init.status;
    this.hostId = init.hostId ?? '';
  }
}

export const isOssError = (e: unknown): e is OssError => e instanceof OssError;

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, removeNSPrefix: true });

/** Status → code when the reply has no body (HEAD) and no x-oss-err header. */
const STATUS_CODES: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  403: 'AccessDenied',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  412: 'PreconditionFailed',
  416: 'InvalidRange',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

function field(node: Record<string, unknown>, name: string): string | undefined {
  const v = node[name];
  return typeof v === 'string' ? v : undefined;
}

function fromXml(xml: string): Record<string, unknown> | undefined {
  if (!xml.includes('<Error')) return undefined;
  try {
    const doc = parser.parse(xml) as Record<string, unknown>;
    const err = doc['Error'];
    return typeof err === 'object' && err !== null ? (err as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Builds the OssError of a non-2xx reply from its body, `x-oss-err` (base64 XML, HEAD) or status. */
export function errorFromResponse(
  status: number,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: Buffer,
): OssError {
  const header = (name: string): string | undefined => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  let node = fromXml(body.toString('utf8'));
  const errHeader = header('x-oss-err');
  if (node === undefined && errHeader !== undefined)
    node = fromXml(Buffer.from(errHeader, 'base64').toString('utf8'));
  const requestId = (node && field(node, 'RequestId')) ?? header('x-oss-request-id') ?? '';
  return new OssError({
    code: (node && field(node, 'Code')) ?? STATUS_CODES[status] ?? `Http${status}`,
    message: (node && field(node, 'Message')) ?? `HTTP ${status} with no error body`,
    requestId,
    ec: (node && field(node, 'EC')) ?? header('x-oss-ec') ?? '',
    status,
    hostId: (node && field(node, 'HostId')) ?? '',
  });
}

/** A network error (after retries) as an OssError with status 0 and the errno as code. */
export function errorFromNetwork(err: unknown): OssError {
  const e = err as NodeJS.ErrnoException;
  return new OssError({ code: e.code ?? 'NetworkError', message: e.message ?? String(err), status: 0 });
}
