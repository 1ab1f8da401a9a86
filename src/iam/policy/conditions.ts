import type { Principal, RequestContext } from '../types.js';
import { type ConditionBlock, PolicyError } from './document.js';
import { cidrContains, parseCidr, parseIp } from './ip.js';
import { compileMatcher } from './wildcard.js';

/** What a condition can look at. */
export interface ConditionInput {
  readonly principal: Principal;
  readonly context: RequestContext;
}

export type ConditionFn = (input: ConditionInput) => boolean;

/** Positive test of one request value against a key's policy values (values OR). */
type ValueTest = (requestValue: string) => boolean;

interface OperatorSpec {
  readonly negate: boolean;
  /** Builds the positive test; throws PolicyError (message without location) on a bad policy value. */
  readonly build: (values: readonly string[]) => ValueTest;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function numbers(values: readonly string[]): number[] {
  return values.map((v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new PolicyError(`"${v}" is not a number`);
    return n;
  });
}

function dates(values: readonly string[]): number[] {
  return values.map((v) => {
    const t = ISO_DATE.test(v) ? Date.parse(v) : NaN;
    if (Number.isNaN(t)) throw new PolicyError(`"${v}" is not an ISO-8601 date`);
    return t;
  });
}

type Compare = (request: number, policy: number) => boolean;
const COMPARISONS: Record<string, Compare> = {
  Equals: (a, b) => a === b,
  LessThan: (a, b) => a < b,
  LessThanEquals: (a, b) => a <= b,
  GreaterThan: (a, b) => a > b,
  GreaterThanEquals: (a, b) => a >= b,
};

function numericOperator(
  parse: (v: readonly string[]) => number[],
  compare: Compare,
  read: (s: string) => number,
): OperatorSpec['build'] {
  return (values) => {
    const parsed = parse(values);
    return (request) => {
      const n = read(request);
      return !Number.isNaN(n) && parsed.some((p) => compare(n, p));
    };
  };
}

const readNumber = (s: string): number => (s.trim() === '' ? NaN : Number(s));
const readDate = (s: string): number => Date.parse(s);

/** Spec §10.4 operators, keyed by lower-cased name (operator names are matched case-insensitively). */
const OPERATORS = new Map<string, OperatorSpec>();
function define(name: string, negate: boolean, build: OperatorSpec['build']): void {
  OPERATORS.set(name.toLowerCase(), { negate, build });
}
define('StringEquals', false, (vs) => (r) => vs.includes(r));
define('StringNotEquals', true, (vs) => (r) => vs.includes(r));
define('StringEqualsIgnoreCase', false, (vs) => {
  const lower = vs.map((v) => v.toLowerCase());
  return (r) => lower.includes(r.toLowerCase());
});
define('StringNotEqualsIgnoreCase', true, OPERATORS.get('stringequalsignorecase')!.build);
define('StringLike', false, (vs) => compileMatcher(vs, false));
define('StringNotLike', true, (vs) => compileMatcher(vs, false));
for (const [suffix, compare] of Object.entries(COMPARISONS)) {
  define(`Numeric${suffix}`, false, numericOperator(numbers, compare, readNumber));
  define(`Date${suffix}`, false, numericOperator(dates, compare, readDate));
}
define('NumericNotEquals', true, numericOperator(numbers, COMPARISONS.Equals!, readNumber));
define('DateNotEquals', true, numericOperator(dates, COMPARISONS.Equals!, readDate));
define('Bool', false, (vs) => {
  const lower = vs.map((v) => v.toLowerCase());
  lower.forEach((v) => {
    if (v !== 'true' && v !== 'false') throw new PolicyError(`"${v}" is not true or false`);
  });
  return (r) => lower.includes(r.toLowerCase());
});
define('IpAddress', false, ipTest);
define('NotIpAddress', true, ipTest);

function ipTest(values: readonly string[]): ValueTest {
  const cidrs = values.map((v) => {
    const cidr = parseCidr(v.trim());
    if (!cidr) throw new PolicyError(`"${v}" is not an IP address or CIDR block`);
    return cidr;
  });
  return (request) => {
    const ip = parseIp(request.trim());
    return ip !== undefined && cidrs.some((c) => cidrContains(c, ip));
  };
}

/**
 * Request value for a condition key (names are case-insensitive). Global keys come from the request context;
 * everything else (oss:Prefix, oss:Delimiter, oss:x-oss-object-acl, …) from context.keys (lower-cased names).
 */
export function conditionKeyValue(
  lowerKey: string,
  { principal, context }: ConditionInput,
): string | undefined {
  switch (lowerKey) {
    case 'acs:sourceip':
      return context.sourceIp;
    case 'acs:securetransport':
      return context.secureTransport ? 'true' : 'false';
    case 'acs:currenttime':
      return new Date(context.currentTime).toISOString();
    case 'acs:useragent':
      return context.userAgent ?? context.keys?.[lowerKey];
    case 'acs:referer':
      return context.referer ?? context.keys?.[lowerKey];
    case 'acs:accessid':
      return 'accessKeyId' in principal ? principal.accessKeyId : context.keys?.[lowerKey];
    default:
      return context.keys?.[lowerKey];
  }
}

/**
 * Compiles a Condition block into one predicate: operators AND, keys AND, values OR. A key missing from
 * the request makes a positive operator false and a negated one (StringNot*, NumericNotEquals,
 * DateNotEquals, NotIpAddress) true — the IAM convention the spec recommends (§10.4).
 */
export function compileCondition(block: ConditionBlock, at: string): ConditionFn {
  const tests: ConditionFn[] = [];
  for (const [operator, keys] of Object.entries(block)) {
    const spec = OPERATORS.get(operator.toLowerCase());
    if (!spec) throw new PolicyError(`${at}: unknown condition operator ${operator}`);
    for (const [key, values] of Object.entries(keys)) {
      let positive: ValueTest;
      try {
        positive = spec.build(values);
      } catch (err) {
        throw new PolicyError(`${at}.${operator}.${key}: ${(err as Error).message}`);
      }
      const lowerKey = key.toLowerCase();
      const negate = spec.negate;
      tests.push((input) => {
        const value = conditionKeyValue(lowerKey, input);
        if (value === undefined) return negate;
        return positive(value) !== negate;
      });
    }
  }
  if (tests.length === 1) return tests[0]!;
  return (input) => tests.every((t) => t(input));
}
