/**
 * The RAM / bucket policy language (spec §10.1): parse and validate a document into a normalised shape.
 * Every rejection is a PolicyError whose message names the element, e.g.
 * `Statement[0].Effect must be Allow or Deny`.
 */

/** identity: RAM policy; bucket: bucket policy (Principal required); trust: a role's assume-role policy. */
export type PolicyKind = 'identity' | 'bucket' | 'trust';

export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

export type Effect = 'Allow' | 'Deny';

/** Normalised Principal: `*` anywhere (or `[]`, spec §10.1) sets `any`. */
export interface PrincipalSpec {
  readonly any: boolean;
  /** UserIds, account ids, role ids and ARNs (plain strings and the `RAM` form). */
  readonly ram: readonly string[];
  /** Service principals, e.g. `oss.aliyuncs.com` (trust policies). */
  readonly service: readonly string[];
}

/** Operator → condition key → values (values OR; keys AND; operators AND). */
export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

export interface PolicyStatement {
  readonly effect: Effect;
  readonly action?: readonly string[];
  readonly notAction?: readonly string[];
  readonly resource?: readonly string[];
  readonly notResource?: readonly string[];
  readonly principal?: PrincipalSpec;
  readonly condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly kind: PolicyKind;
  readonly statements: readonly PolicyStatement[];
}

/** RAM limits: custom policy 6144 characters, trust policy 2048; OSS bucket policy 16 KB. */
const MAX_LENGTH: Record<PolicyKind, number> = { identity: 6144, bucket: 16384, trust: 2048 };
const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Principal',
  'Condition',
]);
const ACTION_RE = /^(\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?_.-]+)$/;
const RESOURCE_RE = /^(\*|acs:[^:]*:[^:]*:[^:]*:.+)$/;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses JSON text (or an already parsed value) into a validated document; throws PolicyError. */
export function parsePolicyDocument(input: unknown, kind: PolicyKind): PolicyDocument {
  let value: unknown = input;
  if (typeof input === 'string') {
    if (input.length > MAX_LENGTH[kind])
      throw new PolicyError(`policy document is longer than ${MAX_LENGTH[kind]} characters`);
    try {
      value = JSON.parse(input);
    } catch (err) {
      throw new PolicyError(`policy document is not valid JSON: ${(err as Error).message}`);
    }
  }
  if (!isRecord(value)) throw new PolicyError('policy document must be a JSON object');
  for (const key of Object.keys(value)) {
    if (key !== 'Version' && key !== 'Statement' && key !== 'Id')
      throw new PolicyError(`unknown element ${key} (expected Version and Statement)`);
  }
  if (value.Version !== '1') throw new PolicyError('Version must be "1"');
  const raw = value.Statement;
  if (raw === undefined) throw new PolicyError('Statement is required');
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new PolicyError('Statement must not be empty');
  return { kind, statements: list.map((s, i) => parseStatement(s, `Statement[${i}]`, kind)) };
}

function parseStatement(raw: unknown, at: string, kind: PolicyKind): PolicyStatement {
  if (!isRecord(raw)) throw new PolicyError(`${at} must be an object`);
  for (const key of Object.keys(raw))
    if (!STATEMENT_KEYS.has(key)) throw new PolicyError(`${at} has unknown element ${key}`);
  if (raw.Sid !== undefined && typeof raw.Sid !== 'string')
    throw new PolicyError(`${at}.Sid must be a string`);
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny')
    throw new PolicyError(`${at}.Effect must be Allow or Deny`);
  const [action, notAction] = exactlyOne(
    raw,
    'Action',
    'NotAction',
    at,
    ACTION_RE,
    'an action such as oss:GetObject',
  );
  const resourceRequired = kind !== 'trust';
  const [resource, notResource] =
    resourceRequired || raw.Resource !== undefined || raw.NotResource !== undefined
      ? exactlyOne(raw, 'Resource', 'NotResource', at, RESOURCE_RE, 'a resource such as acs:oss:*:*:bucket/*')
      : [undefined, undefined];
  let principal: PrincipalSpec | undefined;
  if (kind === 'identity') {
    if (raw.Principal !== undefined) throw new PolicyError(`${at}.Principal is not allowed in a RAM policy`);
  } else {
    if (raw.Principal === undefined) throw new PolicyError(`${at}.Principal is required in a ${kind} policy`);
    principal = parsePrincipal(raw.Principal, `${at}.Principal`);
  }
  const condition =
    raw.Condition === undefined ? undefined : parseCondition(raw.Condition, `${at}.Condition`);
  return {
    effect: raw.Effect,
    ...(action && { action }),
    ...(notAction && { notAction }),
    ...(resource && { resource }),
    ...(notResource && { notResource }),
    ...(principal && { principal }),
    ...(condition && { condition }),
  };
}

function exactlyOne(
  raw: Record<string, unknown>,
  name: string,
  notName: string,
  at: string,
  shape: RegExp,
  example: string,
): [string[] | undefined, string[] | undefined] {
  const has = raw[name] !== undefined;
  const hasNot = raw[notName] !== undefined;
  if (has && hasNot) throw new PolicyError(`${at} must not have both ${name} and ${notName}`);
  if (!has && !hasNot) throw new PolicyError(`${at}.${name} is required`);
  const key = has ? name : notName;
  const values = stringList(raw[key], `${at}.${key}`);
  values.forEach((v, i) => {
    if (!shape.test(v)) throw new PolicyError(`${at}.${key}[${i}] "${v}" is not ${example}`);
  });
  return has ? [values, undefined] : [undefined, values];
}

function stringList(raw: unknown, at: string): string[] {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw new PolicyError(`${at} must not be empty`);
  return list.map((v, i) => {
    if (typeof v !== 'string' || v === '') throw new PolicyError(`${at}[${i}] must be a non-empty string`);
    return v;
  });
}

/** Accepts "*", "uid", ["uid", …], [] (== "*"), and {"RAM": …, "Service": …, "Federated": …}. */
function parsePrincipal(raw: unknown, at: string): PrincipalSpec {
  if (Array.isArray(raw) && raw.length === 0) return { any: true, ram: [], service: [] };
  if (!isRecord(raw)) {
    const ram = stringList(raw, at);
    return { any: ram.includes('*'), ram, service: [] };
  }
  const ram: string[] = [];
  const service: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'RAM' || key === 'Federated') ram.push(...stringList(value, `${at}.${key}`));
    else if (key === 'Service') service.push(...stringList(value, `${at}.${key}`));
    else
      throw new PolicyError(`${at} has unknown principal type ${key} (expected RAM, Service or Federated)`);
  }
  if (ram.length === 0 && service.length === 0)
    throw new PolicyError(`${at} must name at least one principal`);
  return { any: ram.includes('*'), ram, service };
}

function parseCondition(raw: unknown, at: string): ConditionBlock {
  if (!isRecord(raw)) throw new PolicyError(`${at} must be an object`);
  const block: Record<string, Record<string, string[]>> = {};
  for (const [operator, keys] of Object.entries(raw)) {
    if (!isRecord(keys) || Object.keys(keys).length === 0) {
      throw new PolicyError(`${at}.${operator} must be an object of condition keys`);
    }
    const entry: Record<string, string[]> = {};
    for (const [key, values] of Object.entries(keys)) {
      const list = Array.isArray(values) ? values : [values];
      if (list.length === 0) throw new PolicyError(`${at}.${operator}.${key} must not be empty`);
      entry[key] = list.map((v, i) => {
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
        throw new PolicyError(`${at}.${operator}.${key}[${i}] must be a string, number or boolean`);
      });
    }
    block[operator] = entry;
  }
  return block;
}
