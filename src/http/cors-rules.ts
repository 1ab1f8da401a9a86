import { OssError, malformedXml } from '../protocol/oss-error.js';
import { children, isNode, parseXmlBody, text, type XmlNode } from '../protocol/xml.js';
import type { CorsConfiguration, CorsRule } from '../store/bucket-config-store.js';

/** OSS PutBucketCors limits: at most 10 rules; methods from this set; at most one `*` per origin/header. */
const MAX_RULES = 10;
const METHODS = new Set(['GET', 'PUT', 'DELETE', 'POST', 'HEAD']);

const texts = (node: XmlNode, name: string): string[] =>
  children(node, name).map((v) => {
    if (typeof v !== 'string') throw malformedXml(`<${name}> must be a text element.`);
    return v.trim();
  });

function oneStar(values: readonly string[], name: string): void {
  for (const v of values) {
    if ((v.match(/\*/g) ?? []).length > 1)
      throw new OssError('InvalidArgument', `${name} "${v}" may contain at most one *.`);
  }
}

function parseRule(node: XmlNode): CorsRule {
  const allowedOrigins = texts(node, 'AllowedOrigin');
  const allowedMethods = texts(node, 'AllowedMethod');
  if (allowedOrigins.length === 0 || allowedMethods.length === 0)
    throw malformedXml('Each <CORSRule> needs <AllowedOrigin> and <AllowedMethod>.');
  for (const m of allowedMethods) {
    if (!METHODS.has(m))
      throw new OssError(
        'InvalidArgument',
        `The CORS method "${m}" is not one of GET, PUT, DELETE, POST, HEAD.`,
      );
  }
  const allowedHeaders = texts(node, 'AllowedHeader');
  oneStar(allowedOrigins, 'AllowedOrigin');
  oneStar(allowedHeaders, 'AllowedHeader');
  const maxAge = text(node, 'MaxAgeSeconds');
  const maxAgeSeconds = maxAge === undefined ? undefined : Number(maxAge.trim());
  if (maxAgeSeconds !== undefined && (!Number.isInteger(maxAgeSeconds) || maxAgeSeconds < 0))
    throw new OssError('InvalidArgument', 'MaxAgeSeconds must be a non-negative integer.');
  return {
    allowedOrigins,
    allowedMethods,
    allowedHeaders,
    exposeHeaders: texts(node, 'ExposeHeader'),
    maxAgeSeconds,
  };
}

/** `<CORSConfiguration><CORSRule>…</CORSRule>…<ResponseVary>false</ResponseVary></CORSConfiguration>` */
export function parseCorsConfiguration(body: Buffer): CorsConfiguration {
  const root = parseXmlBody(body, 'CORSConfiguration');
  const rules = children(root, 'CORSRule').map((r) => {
    if (!isNode(r)) throw malformedXml('<CORSRule> must contain elements.');
    return parseRule(r);
  });
  if (rules.length === 0) throw malformedXml('<CORSConfiguration> needs at least one <CORSRule>.');
  if (rules.length > MAX_RULES)
    throw new OssError('InvalidArgument', `A bucket has at most ${MAX_RULES} CORS rules.`);
  const vary = text(root, 'ResponseVary')?.trim().toLowerCase();
  if (vary !== undefined && vary !== 'true' && vary !== 'false')
    throw malformedXml('<ResponseVary> must be true or false.');
  return { rules, responseVary: vary === 'true' };
}

/** `*` matches any run of characters (one `*` at most, per the limits above); case-sensitive for origins. */
function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  const star = p.indexOf('*');
  if (star < 0) return p === v;
  const head = p.slice(0, star);
  const tail = p.slice(star + 1);
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

/** The first rule that allows this origin, method and (preflight) request headers, as OSS picks it. */
export function matchCorsRule(
  cors: CorsConfiguration,
  origin: string,
  method: string,
  requestHeaders: readonly string[] = [],
): CorsRule | undefined {
  return cors.rules.find(
    (r) =>
      r.allowedOrigins.some((o) => wildcard(o, origin, false)) &&
      r.allowedMethods.includes(method) &&
      requestHeaders.every((h) => r.allowedHeaders.some((a) => wildcard(a, h, true))),
  );
}

/** The Access-Control-* headers a matching rule puts on a response. */
export function corsHeaders(
  cors: CorsConfiguration,
  rule: CorsRule,
  origin: string,
): Record<string, string | number> {
  const h: Record<string, string | number> = {
    'Access-Control-Allow-Origin': rule.allowedOrigins.includes('*') ? '*' : origin,
    'Access-Control-Allow-Methods': rule.allowedMethods.join(', '),
  };
  if (rule.exposeHeaders.length > 0) h['Access-Control-Expose-Headers'] = rule.exposeHeaders.join(', ');
  if (rule.maxAgeSeconds !== undefined) h['Access-Control-Max-Age'] = rule.maxAgeSeconds;
  if (cors.responseVary) h.Vary = 'Origin';
  return h;
}
