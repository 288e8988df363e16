import type { Caller } from '../auth/caller.ts';
import { type ConsentLookup, decideField, type Decision } from '../policy/decide.ts';
import type { NOT_ABOUT_A_HOUSEHOLD, Standing } from '../policy/need-to-know.ts';
import type { FieldPolicy, PolicySet } from '../policy/policy-types.ts';

/**
 * Decisions per situation and field: the situation is where the caller stands (a standing key) and the
 * consent that releases the field (a consent key); the caller is the same for all (its kind's table or
 * its request). Kept in nested maps, so that taking a decision builds no key. Which situations may share
 * a memo, and for how long, is the owner's to say (SharedDecisions in src/request/field-decision.ts).
 */
export class DecisionsBySituation {
  private readonly byStanding = new Map<string, Map<string, Map<string, Decision>>>();
  /** How many decisions were made here (not taken from the memo). */
  made = 0;

  constructor(private readonly keep: (decision: Decision) => Decision = (decision) => decision) {}

  decision(
    standingKey: string, consentKey: string,
    policies: PolicySet, policy: FieldPolicy, caller: Caller, where: Standing | typeof NOT_ABOUT_A_HOUSEHOLD, consents: ConsentLookup, at: Date | undefined,
  ): Decision {
    const byField = this.fields(standingKey, consentKey);
    const decision = byField.get(policy.coordinate);
    return decision ?? this.remember(standingKey, consentKey, decideField(policies, policy, caller, consents, at, where));
  }

  /** Keeps a decision made elsewhere for this situation (its field: the decision's coordinate); returns the one kept. */
  remember(standingKey: string, consentKey: string, made: Decision): Decision {
    const decision = this.keep(made);
    this.fields(standingKey, consentKey).set(decision.coordinate, decision);
    this.made += 1;
    return decision;
  }

  /** The decisions of one situation, by field: those made so far (decision() adds to it). */
  fields(standingKey: string, consentKey: string): ReadonlyMap<string, Decision> & Map<string, Decision> {
    let byConsent = this.byStanding.get(standingKey);
    if (!byConsent) {
      byConsent = new Map();
      this.byStanding.set(standingKey, byConsent);
    }
    let byField = byConsent.get(consentKey);
    if (!byField) {
      byField = new Map();
      byConsent.set(consentKey, byField);
    }
    return byField;
  }

  /** Every decision kept (every situation, every field). */
  *decisions(): Generator<Decision> {
    for (const byConsent of this.byStanding.values()) for (const byField of byConsent.values()) yield* byField.values();
  }

  /** How many decisions are kept. */
  get size(): number {
    let size = 0;
    for (const byConsent of this.byStanding.values()) for (const byField of byConsent.values()) size += byField.size;
    return size;
  }
}
