/** `import { OssBatchClient } from 'ossbatch/client'` — the typed client's public surface. */
export { OssBatchClient, type PutBody } from './client.js';
export { OssError, isOssError } from './errors.js';
export type { OssBatchClientOptions } from './options.js';
export { regionFromEndpoint } from './options.js';
export type { OssRequest, OssResponse, SignVersion } from './transport.js';
export { createJobXml, createJobXmlFromJson } from './create-job-xml.js';
export { parseXml, type XmlData, type XmlObject } from './xml-response.js';
export * from './types.js';
