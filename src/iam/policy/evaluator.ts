import type { Principal, RequestContext } from '../types.js';
import { appliesTo, type CompiledPolicy } from './compile.js';

export interface EvaluationInput {
  /** The caller's RAM policies (user or role attachments). */
  readonly identityPolicies: readonly CompiledPolicy[];
  /** The target bucket's policy, when it has one. */
  readonly bucketPolicy?: CompiledPolicy | undefined;
  readonly principal: Principal;
  /** e.g. `oss:GetObject` (any case). */
  readonly action: string;
  readonly resource: string;
  readonly context: RequestContext;
}

export interface EvaluationDetail {
  /** Some applicable statement (identity or bucket policy) denies explicitly. */
  readonly deny: boolean;
  readonly identityAllow: boolean;
  readonly bucketAllow: boolean;
}

type Verdict = 'deny' | 'allow' | 'none';

function scan(policy: CompiledPolicy, input: EvaluationInput, lowerAction: string): Verdict {
  let allowed = false;
  for (const s of policy.statements) {
    // Cheapest tests first: a Deny must still be found after an Allow, so an Allow never stops the scan.
    if (s.effect === 'Allow' && allowed) continue;
    if (!s.matchesAction(lowerAction) || !s.matchesResource(input.resource)) continue;
    if (!appliesTo(s, input.principal)) continue;
    if (s.condition && !s.condition(input)) continue;
    if (s.effect === 'Deny') return 'deny';
    allowed = true;
  }
  return allowed ? 'allow' : 'none';
}

/**
 * Which policies speak for this request. Pure: the same input always gives the same answer, and nothing
 * is parsed or allocated beyond one lower-cased action string. Stops at the first explicit Deny.
 */
export function evaluateDetailed(input: EvaluationInput): EvaluationDetail {
  const lowerAction = input.action.toLowerCase();
  let identityAllow = false;
  for (const policy of input.identityPolicies) {
    const v = scan(policy, input, lowerAction);
    if (v === 'deny') return { deny: true, identityAllow: false, bucketAllow: false };
    if (v === 'allow') identityAllow = true;
  }
  let bucketAllow = false;
  if (input.bucketPolicy) {
    const v = scan(input.bucketPolicy, input, lowerAction);
    if (v === 'deny') return { deny: true, identityAllow: false, bucketAllow: false };
    bucketAllow = v === 'allow';
  }
  return { deny: false, identityAllow, bucketAllow };
}

/** Spec §10.5 steps 1–3: explicit Deny anywhere wins, then any Allow; 'none' means no statement spoke. */
export function evaluate(input: EvaluationInput): 'allow' | 'deny' | 'none' {
  const d = evaluateDetailed(input);
  if (d.deny) return 'deny';
  return d.identityAllow || d.bucketAllow ? 'allow' : 'none';
}
