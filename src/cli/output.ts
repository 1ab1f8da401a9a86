import { OssError } from '../client/errors.js';
import { parseXml, type XmlData } from '../client/xml-response.js';

/** Where a command writes and what it reads from its surroundings; tests pass captured streams and env. */
export interface CliIo {
  readonly stdout: { write(s: string | Uint8Array): unknown; readonly isTTY?: boolean | undefined };
  readonly stderr: { write(s: string): unknown; readonly isTTY?: boolean | undefined };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly homeDir: string;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    homeDir: process.env['HOME'] ?? process.env['USERPROFILE'] ?? '.',
  };
}

/**
 * A command's failure: `message` is one line that main prints as `ossbatch: <message>`, then exits with
 * exitCode (1: the operation failed; 2: bad usage or configuration).
 */
export class CliExit extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliExit';
  }
}

/** One line with the OSS code, message, request id (and EC/status when known). */
export function ossErrorLine(e: OssError): string {
  const extra = [`HTTP ${e.status}`];
  if (e.ec) extra.push(`EC ${e.ec}`);
  if (e.requestId) extra.push(`RequestId ${e.requestId}`);
  return `${e.code}: ${e.message.replace(/\s*\n\s*/g, ' ')} (${extra.join(', ')})`;
}

/** Runs a command body: OssErrors become a CliExit with the one-line form, other errors keep their message. */
export async function guarded(fn: () => Promise<void> | void): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof CliExit) throw err;
    if (err instanceof OssError) throw new CliExit(ossErrorLine(err), 1);
    throw new CliExit(err instanceof Error ? err.message.replace(/\s*\n\s*/g, ' ') : String(err), 1);
  }
}

export type OutputFormat = 'xml' | 'json' | 'yaml';

export function parseOutputFormat(v: unknown): OutputFormat {
  if (v === undefined) return 'xml';
  if (v === 'xml' || v === 'json' || v === 'yaml') return v;
  throw new CliExit(`--output-format must be xml, json or yaml, not "${JSON.stringify(v)}"`, 2);
}

/** The reply as sent (xml), or converted to a nested object: repeated elements (JobListDescriptor, Tag) are arrays. */
export function renderXml(xml: string, format: OutputFormat): string {
  if (format === 'xml') return xml.endsWith('\n') ? xml : `${xml}\n`;
  const data = parseXml(xml);
  return format === 'json' ? `${JSON.stringify(data, null, 2)}\n` : toYaml(data);
}

const PLAIN = /^[A-Za-z0-9_./+=@-][A-Za-z0-9_ ./+=:@-]*$/;
const yamlScalar = (s: string): string =>
  PLAIN.test(s) && !s.endsWith(' ') && !s.includes(': ') ? s : JSON.stringify(s);

/** A small YAML emitter for parsed XML (strings, objects, arrays); strings are quoted whenever not plain. */
export function toYaml(value: XmlData, indent = '', firstInline = false): string {
  if (typeof value === 'string') return `${yamlScalar(value)}\n`;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]\n';
    return value
      .map(
        (item) => `${indent}- ${typeof item === 'string' ? toYaml(item) : toYaml(item, `${indent}  `, true)}`,
      )
      .join('');
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}\n';
  return entries
    .map(([k, v], i) => {
      const lead = i === 0 && firstInline ? '' : indent;
      if (typeof v === 'string') return `${lead}${k}: ${yamlScalar(v)}\n`;
      if (Array.isArray(v))
        return v.length === 0 ? `${lead}${k}: []\n` : `${lead}${k}:\n${toYaml(v, `${indent}  `)}`;
      return Object.keys(v).length === 0 ? `${lead}${k}: {}\n` : `${lead}${k}:\n${toYaml(v, `${indent}  `)}`;
    })
    .join('');
}
