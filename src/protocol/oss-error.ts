/**
 * The one wire error type. Every failure a client can see is an OssError; the code table below is the
 * single place that maps a code to its HTTP status, EC and default message (spec §9.3).
 */
export interface OssErrorSpec {
  readonly status: number;
  readonly ec: string;
  readonly message: string;
}

export const OSS_ERROR_CODES = {
  AccessDenied: { status: 403, ec: '0003-00000001', message: 'You have no right to access this object.' },
  InvalidAccessKeyId: {
    status: 403,
    ec: '0002-00000902',
    message: 'The OSS Access Key Id you provided does not exist in our records.',
  },
  SignatureDoesNotMatch: {
    status: 403,
    ec: '0002-00000040',
    message:
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  },
  RequestTimeTooSkewed: {
    status: 403,
    ec: '0002-00000504',
    message: 'The difference between the request time and the current time is too large.',
  },
  UserDisable: { status: 403, ec: '0003-00000801', message: 'User is disabled.' },
  InvalidArgument: { status: 400, ec: '0016-00000001', message: 'Invalid argument.' },
  MissingArgument: { status: 400, ec: '0016-00000502', message: 'Missing Some Required Arguments.' },
  MalformedXML: {
    status: 400,
    ec: '0031-00000001',
    message: 'The XML you provided was not well-formed or did not validate against our published schema.',
  },
  InvalidDigest: { status: 400, ec: '0016-00000101', message: 'The Content-MD5 you specified was invalid.' },
  InvalidRequest: { status: 400, ec: '0016-00000002', message: 'Invalid request.' },
  InvalidBucketName: { status: 400, ec: '0015-00000001', message: 'The specified bucket is not valid.' },
  InvalidObjectName: { status: 400, ec: '0016-00000005', message: 'The specified object name is not valid.' },
  InvalidTag: { status: 400, ec: '0010-00000209', message: 'The tag provided was not a valid tag.' },
  BadRequest: { status: 400, ec: '0010-00000219', message: 'Bad request.' },
  EntityTooLarge: {
    status: 400,
    ec: '0016-00000601',
    message: 'Your proposed upload exceeds the maximum allowed size.',
  },
  IncompleteBody: {
    status: 400,
    ec: '0016-00000602',
    message: 'The request body is shorter than the Content-Length you specified.',
  },
  InvalidRange: { status: 416, ec: '0016-00000301', message: 'The requested range cannot be satisfied.' },
  NoSuchBucket: { status: 404, ec: '0015-00000101', message: 'The specified bucket does not exist.' },
  NoSuchKey: { status: 404, ec: '0026-00000001', message: 'The specified key does not exist.' },
  NoSuchVersion: { status: 404, ec: '0026-00000002', message: 'The specified version does not exist.' },
  NoSuchBucketPolicy: { status: 404, ec: '0031-00000002', message: 'The bucket policy does not exist.' },
  NoSuchUpload: {
    status: 404,
    ec: '0042-00000002',
    message:
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
  },
  InvalidPart: {
    status: 400,
    ec: '0042-00000209',
    message:
      "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.",
  },
  InvalidPartOrder: {
    status: 400,
    ec: '0042-00000210',
    message:
      'The list of parts was not in ascending order. Parts list must be specified in order by part number.',
  },
  EntityTooSmall: {
    status: 400,
    ec: '0042-00000211',
    message: 'Your proposed upload is smaller than the minimum allowed size.',
  },
  AccessForbidden: {
    status: 403,
    ec: '0011-00000002',
    message: 'CORSResponse: This CORS request is not allowed.',
  },
  NoSuchCORSConfiguration: {
    status: 404,
    ec: '0011-00000001',
    message: 'The CORS configuration does not exist.',
  },
  NoSuchLifecycle: { status: 404, ec: '0034-00000001', message: 'No Row found in Lifecycle Table.' },
  NoSuchWebsiteConfiguration: {
    status: 404,
    ec: '0033-00000001',
    message: 'The specified bucket does not have a website configuration.',
  },
  NoSuchServerSideEncryptionRule: {
    status: 404,
    ec: '0037-00000001',
    message: 'The server side encryption configuration was not found.',
  },
  NoSuchWORMConfiguration: {
    status: 404,
    ec: '0044-00000001',
    message: 'The WORM Configuration does not exist.',
  },
  NoSuchReplicationConfiguration: {
    status: 404,
    ec: '0028-00000001',
    message: 'The replication configuration does not exist.',
  },
  NotImplemented: {
    status: 501,
    ec: '0016-00000501',
    message: 'A header or sub-resource you provided implies functionality that is not implemented.',
  },
  NoSuchJob: { status: 404, ec: '0017-00000404', message: 'The specified job does not exist.' },
  NoSuchInventory: { status: 404, ec: '0020-00000404', message: 'The specified inventory does not exist.' },
  InventoryAlreadyExist: {
    status: 409,
    ec: '0020-00000042',
    message: 'The inventory with the specified Id already exists.',
  },
  MethodNotAllowed: {
    status: 405,
    ec: '0016-00000405',
    message: 'The specified method is not allowed against this resource.',
  },
  BucketAlreadyExists: {
    status: 409,
    ec: '0015-00000301',
    message: 'The requested bucket name is not available.',
  },
  BucketNotEmpty: {
    status: 409,
    ec: '0015-00000501',
    message: 'The bucket you tried to delete is not empty.',
  },
  RestoreAlreadyInProgress: {
    status: 409,
    ec: '0016-00000701',
    message: 'The restore operation is in progress.',
  },
  IdempotentParameterMismatch: {
    status: 409,
    ec: '0017-00000409',
    message: 'The same ClientRequestToken was used with a different request.',
  },
  InvalidObjectState: {
    status: 403,
    ec: '0016-00000702',
    message: "The operation is not valid for the object's state.",
  },
  OperationNotSupported: {
    status: 400,
    ec: '0016-00000704',
    message: 'The operation is not supported for this resource.',
  },
  PreconditionFailed: {
    status: 412,
    ec: '0016-00000412',
    message: 'At least one of the pre-conditions you specified did not hold.',
  },
  FileAlreadyExists: {
    status: 409,
    ec: '0026-00000201',
    message: 'The object you specified already exists and can not be overwritten.',
  },
  NotModified: { status: 304, ec: '0016-00000304', message: 'Not Modified' },
  // OSS answers a body that stalls or takes too long with 400 RequestTimeout (OSS error table; EC ours).
  RequestTimeout: {
    status: 400,
    ec: '0016-00000408',
    message:
      'Your socket connection to the server was not read from or written to within the timeout period.',
  },
  // OSS documents no out-of-space error (its storage never fills); 507 Insufficient Storage (RFC 4918) is a
  // server-side condition clients may retry later, distinct from InternalError (issue 12). EC ours.
  InsufficientStorage: {
    status: 507,
    ec: '0005-00000507',
    message: 'The server has too little free disk space to store this request. Delete objects or add space.',
  },
  RequestHeaderTooLarge: { status: 431, ec: '0016-00000431', message: 'Your request header is too large.' },
  InternalError: {
    status: 500,
    ec: '0005-00000001',
    message: 'We encountered an internal error. Please try again.',
  },
  ServiceUnavailable: { status: 503, ec: '0005-00000002', message: 'Please reduce your request rate.' },
} as const satisfies Record<string, OssErrorSpec>;

export type OssErrorCode = keyof typeof OSS_ERROR_CODES;

export class OssError extends Error {
  readonly code: OssErrorCode;
  readonly status: number;
  readonly ec: string;
  /** Extra elements OSS adds to the <Error> body for some codes (BucketName, Key, StringToSign, …). */
  readonly details: Readonly<Record<string, string>>;
  /** Response headers OSS sends with this error (e.g. `x-oss-delete-marker` on a 404 for a delete marker). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: OssErrorCode,
    message?: string,
    options: {
      ec?: string;
      status?: number;
      details?: Record<string, string>;
      headers?: Record<string, string>;
    } = {},
  ) {
    const spec: OssErrorSpec = OSS_ERROR_CODES[code];
    super(message ?? spec.message);
    this.name = 'OssError';
    this.code = code;
    this.status = options.status ?? spec.status;
    this.ec = options.ec ?? spec.ec;
    this.details = options.details ?? {};
    this.headers = options.headers ?? {};
  }
}

export const isOssError = (e: unknown): e is OssError => e instanceof OssError;

/** Shorthands for the errors raised everywhere. */
export const invalidArgument = (message: string, details?: Record<string, string>): OssError =>
  new OssError('InvalidArgument', message, details ? { details } : {});
export const malformedXml = (message?: string): OssError => new OssError('MalformedXML', message);
export const noSuchBucket = (bucket: string): OssError =>
  new OssError('NoSuchBucket', undefined, { details: { BucketName: bucket } });
export const noSuchKey = (key: string): OssError =>
  new OssError('NoSuchKey', undefined, { details: { Key: key } });
export const accessDenied = (message?: string): OssError => new OssError('AccessDenied', message);
