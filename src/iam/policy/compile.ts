import type { Principal } from '../types.js';
import { compileCondition, type ConditionFn } from './conditions.js';
import {
  type Effect,
  parsePolicyDocument,
  type PolicyDocument,
  type PolicyKind,
  type PolicyStatement,
} from './document.js';
import { compilePrincipal, type PrincipalMatcher } from './principal-match.js';
import { compileMatcher, type Matcher, negateScope, type PrefixScope, prefixScope } from './wildcard.js';

/** One statement, ready to evaluate: no parsing or allocation at request time. */
export interface CompiledStatement {
  readonly effect: Effect;
  /** Takes the action LOWER-CASED (actions match case-insensitively, spec §10.2); NotAction already folded in. */
  readonly matchesAction: Matcher;
  /** Case-sensitive (bucket and key names are, spec §10.3); NotResource already folded in. */
  readonly matchesResource: Matcher;
  /** matchesResource's answer for every resource starting with a prefix, when it is the same for all. */
  readonly resourceScope: (prefix: string) => PrefixScope;
  /** Bucket and trust policies only. */
  readonly matchesPrincipal?: PrincipalMatcher;
  readonly condition?: ConditionFn;
  readonly source: PolicyStatement;
}

export interface CompiledPolicy {
  readonly kind: PolicyKind;
  readonly statements: readonly CompiledStatement[];
}

const negate =
  (m: Matcher): Matcher =>
  (input) =>
    !m(input);

function compileStatement(s: PolicyStatement, index: number): CompiledStatement {
  const matchesAction = s.action
    ? compileMatcher(s.action, true)
    : negate(compileMatcher(s.notAction ?? [], true));
  const matchesResource = s.resource
    ? compileMatcher(s.resource, false)
    : s.notResource
      ? negate(compileMatcher(s.notResource, false))
      : () => true; // trust policies carry no Resource
  const { resource, notResource } = s;
  const resourceScope = resource
    ? (prefix: string): PrefixScope => prefixScope(resource, prefix)
    : notResource
      ? (prefix: string): PrefixScope => negateScope(prefixScope(notResource, prefix))
      : (): PrefixScope => 'all';
  return {
    effect: s.effect,
    matchesAction,
    matchesResource,
    resourceScope,
    ...(s.principal && { matchesPrincipal: compilePrincipal(s.principal) }),
    ...(s.condition && { condition: compileCondition(s.condition, `Statement[${index}].Condition`) }),
    source: s,
  };
}

export function compilePolicy(doc: PolicyDocument): CompiledPolicy {
  return { kind: doc.kind, statements: doc.statements.map(compileStatement) };
}

/** Parses, validates (including condition operators and values) and compiles; throws PolicyError. */
export function parseAndCompilePolicy(text: string, kind: PolicyKind): CompiledPolicy {
  return compilePolicy(parsePolicyDocument(text, kind));
}

/**
 * Compiled policies keyed by kind + text. Many users share one policy and a bucket policy is read on every
 * request, so compiling once per distinct text keeps authorize() free of JSON parsing. Bounded: cleared
 * when it reaches `max` entries (texts come from users).
 */
export class PolicyCache {
  private readonly entries = new Map<string, CompiledPolicy | Error>();
  constructor(private readonly max = 2000) {}

  /** The compiled policy, or the PolicyError that rejected the text. */
  get(text: string, kind: PolicyKind): CompiledPolicy | Error {
    const key = `${kind}\u0000${text}`;
    let hit = this.entries.get(key);
    if (hit === undefined) {
      try {
        hit = parseAndCompilePolicy(text, kind);
      } catch (err) {
        hit = err instanceof Error ? err : new Error(String(err));
      }
      if (this.entries.size >= this.max) this.entries.clear();
      this.entries.set(key, hit);
    }
    return hit;
  }
}

/** Whether a statement applies to this caller (identity statements always do). */
export const appliesTo = (s: CompiledStatement, principal: Principal): boolean =>
  s.matchesPrincipal === undefined || s.matchesPrincipal(principal);
