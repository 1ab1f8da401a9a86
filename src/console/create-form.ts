import { createJobXml } from '../client/create-job-xml.js';
import type {
  CreateJobInput,
  JobOperation,
  ManifestFormat,
  ManifestSource,
  ObjectAcl,
  PrefixSource,
  ReportScope,
} from '../client/types.js';
import { FormError } from './http-util.js';
import { OPERATION_NAMES } from '../jobs/model.js';

/** The create-job form's fields as submitted (re-rendered into the form on failure). */
export type CreateFormValues = Readonly<Record<string, string>>;

export const CREATE_FIELDS = [
  'operation',
  'tags',
  'acl',
  'restoreDays',
  'restoreTier',
  'source',
  'manifestBucket',
  'manifestObject',
  'manifestFormat',
  'manifestFields',
  'manifestEtag',
  'prefixBucket',
  'prefix',
  'reportEnabled',
  'reportBucket',
  'reportPrefix',
  'reportScope',
  'roleArn',
  'priority',
  'description',
  'confirmationRequired',
  'clientRequestToken',
] as const;

export function formValues(form: URLSearchParams): CreateFormValues {
  const out: Record<string, string> = {};
  for (const name of CREATE_FIELDS) out[name] = form.get(name) ?? '';
  return out;
}

function integer(raw: string, label: string, fallback: number): number {
  const s = raw.trim();
  if (s === '') return fallback;
  if (!/^-?\d{1,10}$/.test(s))
    throw new FormError(`${label} must be a whole number; got "${s.slice(0, 32)}".`);
  return Number(s);
}

/** One `key=value` per line; a line without `=` is refused rather than guessed. */
function parseTags(raw: string): { key: string; value: string }[] {
  const tags: { key: string; value: string }[] = [];
  for (const [i, line] of raw.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    const eq = line.indexOf('=');
    if (eq < 0) throw new FormError(`Tags line ${i + 1} must be key=value; got "${line.slice(0, 64)}".`);
    tags.push({ key: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim() });
  }
  return tags;
}

function operation(v: CreateFormValues): JobOperation {
  const type = OPERATION_NAMES.find((o) => o === v['operation']);
  switch (type) {
    case 'PutObjectTagging':
    case 'AddObjectTagging':
      return { type, tags: parseTags(v['tags'] ?? '') };
    case 'DeleteObjectTagging':
      return { type };
    case 'PutObjectAcl':
      // The value is checked by CreateJob's own validation (an unknown ACL is its InvalidArgument).
      return { type, acl: (v['acl'] ?? '') as ObjectAcl };
    case 'RestoreObject': {
      const tier = v['restoreTier'] ?? '';
      return { type, days: integer(v['restoreDays'] ?? '', 'Restore days', 1), tier: tier || undefined };
    }
    case undefined:
      throw new FormError('Choose an operation.');
  }
}

function source(v: CreateFormValues): ManifestSource | PrefixSource {
  if (v['source'] === 'prefix') {
    return { kind: 'prefix', sourceBucket: (v['prefixBucket'] ?? '').trim(), prefix: v['prefix'] ?? '' };
  }
  if (v['source'] !== 'manifest') throw new FormError('Choose a manifest or a key prefix as the source.');
  return {
    kind: 'manifest',
    bucket: (v['manifestBucket'] ?? '').trim(),
    object: v['manifestObject'] ?? '',
    format: (v['manifestFormat'] || 'OSS_BatchOperations_CSV_20250611') as ManifestFormat,
    fields: (v['manifestFields'] ?? '').trim() || undefined,
    etag: (v['manifestEtag'] ?? '').trim() || undefined,
  };
}

/**
 * The form → CreateJob XML through the typed client's builder (every text escaped). Only what the form
 * itself cannot express is refused here (FormError); everything else is CreateJob's own validation,
 * whose OssError message the page shows.
 */
export function createJobBody(v: CreateFormValues): string {
  const reportEnabled = v['reportEnabled'] === 'on';
  const input: CreateJobInput = {
    operation: operation(v),
    source: source(v),
    roleArn: (v['roleArn'] ?? '').trim(),
    report: reportEnabled
      ? {
          enabled: true,
          bucket: (v['reportBucket'] ?? '').trim(),
          prefix: v['reportPrefix'] ?? '',
          scope: (v['reportScope'] || 'AllTasks') as ReportScope,
        }
      : { enabled: false },
    priority: integer(v['priority'] ?? '', 'Priority', 10),
    description: v['description'] || undefined,
    confirmationRequired: v['confirmationRequired'] === 'on',
    clientRequestToken: v['clientRequestToken'] || undefined,
  };
  return createJobXml(input);
}
