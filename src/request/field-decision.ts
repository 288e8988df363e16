import type { Subject } from '../audit/access-log.ts';
import type { Caller } from '../auth/caller.ts';
import { type ConsentLookup, decideField, type Decision, releasingConsent } from '../policy/decide.ts';
import { NOT_ABOUT_A_HOUSEHOLD, type Standing } from '../policy/need-to-know.ts';
import type { FieldPolicy, PolicySet } from '../policy/policy-types.ts';
import type { RequestContext } from './request-context.ts';
import type { PersonRow } from '../households/household-loaders.ts';
import { callerDecisions, type CallerDecisions, type SubjectDependence } from './static-decisions.ts';
import { DecisionsBySituation } from './decisions-by-situation.ts';

/** Where the caller stands with the household a field is about, or that the field is not about one. */
type Where = Standing | typeof NOT_ABOUT_A_HOUSEHOLD;

/**
 * The decision for one field about one subject in this request. Pruning (what the gateway asks
 * adapters for) and withholding (what the answer shows) both ask here, so they cannot disagree. A field
 * no consent or involvement can change is decided once per kind of caller (src/request/static-decisions.ts).
 * The others follow from what the request reads about the subject, once per subject (SubjectFacts): where
 * the caller stands with its household (need to know) only when a basis needs it, its consent records
 * only when the decision depends on them, each through a request-wide DataLoader (one database round trip
 * for all people in the query).
 *
 * Returns the decision itself once the subject's facts are known, a promise only while they are being
 * read: after a person's first field, every other field of that person is decided without a promise.
 */
export function decideForSubject(context: RequestContext, coordinate: string, subject: Subject | undefined): Decision | Promise<Decision> {
  // A field no subject can change: decided once for this kind of caller, at once (without looking the subject up).
  const entry = context.callerDecisions.entry(coordinate);
  if ('decision' in entry) return entry.decision;
  return context.decisions.of(subject).decide(context, entry.policy, entry.dependence);
}

/** decideForSubject for a subject whose facts the caller already holds (the gateway's resolvers: the owner of an object). */
export function decideForFacts(context: RequestContext, coordinate: string, facts: SubjectFacts | undefined): Decision | Promise<Decision> {
  const entry = context.callerDecisions.entry(coordinate);
  if ('decision' in entry) return entry.decision;
  return (facts ?? context.decisions.of(undefined)).decide(context, entry.policy, entry.dependence);
}

/** What one request has read about its subjects, and the decisions they share. */
export class RequestDecisions {
  private readonly people = new Map<string, SubjectFacts>();
  private readonly households = new Map<string, SubjectFacts>();
  private readonly withoutSubject = new SubjectFacts(undefined);
  /** Decisions shared by the subjects that stand alike (see SharedDecisions). */
  readonly shared: SharedDecisions;

  /** `callerDecisions`: the caller's table, which keeps the decisions of situations without a grant across requests. */
  constructor(callerDecisions?: CallerDecisions) {
    this.shared = new SharedDecisions(callerDecisions);
  }

  /** The facts asked for last: a person's fields are usually asked about one after another (pruning asks each field). */
  private last: SubjectFacts = this.withoutSubject;

  /** The facts about this subject (or about no subject). */
  of(subject: Subject | undefined): SubjectFacts {
    if (!subject) return this.withoutSubject;
    // This request's own Subject object (subject()) is its facts' key: no look-up by id when asked again.
    if (subject === this.last.subject) return this.last;
    this.last = this.facts(subject.kind, subject.id, subject);
    return this.last;
  }

  /** The facts about a household (its standing, shared by its members). */
  household(id: string): SubjectFacts {
    return this.facts('household', id);
  }

  /** This request's one Subject object for a person or household: no field needs to make its own. */
  subject(kind: Subject['kind'], id: string): Subject {
    return this.facts(kind, id).subject!;
  }

  /**
   * After a change in this request (src/involvement): later fields read the facts afresh. Each subject
   * keeps its one SubjectFacts (the gateway holds them as the owners of objects already resolved), which
   * forgets what it read.
   */
  clear(): void {
    // The shared decisions stay: each is the decision for a situation, whoever is in it.
    for (const facts of this.people.values()) facts.forget();
    for (const facts of this.households.values()) facts.forget();
  }

  /** The facts about a person or household, by the hub's id: this request's one SubjectFacts for it. */
  facts(kind: Subject['kind'], id: string, subject?: Subject): SubjectFacts {
    const bySubject = kind === 'person' ? this.people : this.households;
    let facts = bySubject.get(id);
    if (!facts) {
      facts = new SubjectFacts(subject ?? ({ kind, id } as Subject));
      bySubject.set(id, facts);
    }
    return facts;
  }
}

/**
 * What the decisions about one subject depend on, read once per request when first needed and then kept
 * as settled values: where the caller stands with the subject's household (for a person: its household's
 * standing, read once for all its members), the person's consent records, and the moment those were read
 * (every decision about the person checks the consents as of then, so pruning and withholding see the
 * same consent). A failure to read the standing stays a rejected promise.
 */
export class SubjectFacts {
  private row: PersonRow | null | Promise<PersonRow | null> | undefined;
  private standing: Standing | Promise<Standing> | undefined;
  private consents: ConsentLookup | Promise<ConsentLookup> | undefined;
  private consentsReadAt: Date | undefined;
  /** The decisions of this subject's situation when no consent counts (SharedDecisions.withoutConsents), once its standing is known. */
  private withoutConsents: ReadonlyMap<string, Decision> | undefined;

  constructor(readonly subject: Subject | undefined) {}

  /** Forgets what was read (after a change in this request): the next decision reads afresh. */
  forget(): void {
    this.row = undefined;
    this.standing = undefined;
    this.consents = undefined;
    this.consentsReadAt = undefined;
    this.withoutConsents = undefined;
  }

  decide(context: RequestContext, policy: FieldPolicy, dependence: SubjectDependence): Decision | Promise<Decision> {
    // Fields of a household and its members follow the row rule; other fields leave it to their root resolver.
    if (!this.subject || !dependence.onInvolvement) return this.decideWhere(context, policy, dependence, NOT_ABOUT_A_HOUSEHOLD);
    const standing = this.standingIn(context);
    if (isPromise(standing)) return standing.then((settled) => this.decideWhere(context, policy, dependence, settled));
    // Most fields of a person or household: no consent counts where the caller stands, so the decision
    // is the situation's, once made for anyone in it.
    if (!needsConsents(dependence, this.subject, standing) && (!dependence.onConsent || this.subject.kind === 'person')) {
      this.withoutConsents ??= context.decisions.shared.withoutConsents(standing);
      const known = this.withoutConsents.get(policy.coordinate);
      if (known) return known;
    }
    return this.decideWhere(context, policy, dependence, standing);
  }

  private decideWhere(context: RequestContext, policy: FieldPolicy, dependence: SubjectDependence, where: Where): Decision | Promise<Decision> {
    const { subject } = this;
    const { policies, caller } = context;
    if (!needsConsents(dependence, subject, where)) return decideSettled(policies, caller, policy, dependence, subject, where, NO_CONSENTS, undefined, context.decisions.shared);
    const consents = this.consents ?? this.readConsents(context);
    if (isPromise(consents)) return consents.then((settled) => decideSettled(policies, caller, policy, dependence, subject, where, settled, this.consentsReadAt ?? new Date(), context.decisions.shared));
    return decideSettled(policies, caller, policy, dependence, subject, where, consents, this.consentsReadAt, context.decisions.shared);
  }

  /** Where the caller stands with the subject's household: known, or being read. */
  standingIn(context: RequestContext): Standing | Promise<Standing> {
    if (this.standing) return this.standing;
    const standing = this.standingRead(context);
    this.standing = standing;
    if (isPromise(standing)) standing.then((settled) => this.standing === standing && (this.standing = settled), () => undefined);
    return standing;
  }

  private standingRead(context: RequestContext): Standing | Promise<Standing> {
    const subject = this.subject!;
    if (subject.kind === 'household') return context.standing.load(subject.id);
    const row = this.personRow(context);
    return isPromise(row) ? row.then((settled) => standingOfMember(context, settled)) : standingOfMember(context, row);
  }

  private readConsents(context: RequestContext): ConsentLookup | Promise<ConsentLookup> {
    const row = this.personRow(context);
    // Brought along by the standing statement: taken at once, so this person's decisions (and the
    // pruning of every adapter's call about them) settle in the same tick.
    const primed = isPromise(row) ? undefined : primedConsentsOfRow(context, row);
    if (primed !== undefined) {
      this.consents = primed;
      this.consentsReadAt = new Date();
      return primed;
    }
    const pending = isPromise(row) ? row.then((settled) => consentsOfRow(context, settled), unavailable) : consentsOfRow(context, row);
    this.consents = pending;
    pending.then((consents) => {
      if (this.consents !== pending) return;
      this.consents = consents;
      this.consentsReadAt = new Date();
    }, () => undefined);
    return pending;
  }

  /** A person's row of the case registration (its household, its look-up key), read once. */
  private personRow(context: RequestContext): PersonRow | null | Promise<PersonRow | null> {
    if (this.row !== undefined) return this.row;
    const pending = context.households.person.load(this.subject!.id);
    this.row = pending;
    pending.then((row) => this.row === pending && (this.row = row), () => undefined);
    return pending;
  }
}

/** A person the registration does not know stands nowhere; a member, where the caller stands with its household. */
function standingOfMember(context: RequestContext, row: PersonRow | null): Standing | Promise<Standing> {
  return row ? context.decisions.household(row.householdId).standingIn(context) : { involved: false };
}

/** The consents of a person (none when the registration does not know them) if already at hand; fail closed on a primed failure. */
function primedConsentsOfRow(context: RequestContext, row: PersonRow | null): ConsentLookup | undefined {
  if (!row) return NO_CONSENTS;
  const primed = context.consents.primed(row.bsnHash);
  return primed instanceof Error ? 'unavailable' : primed;
}

function consentsOfRow(context: RequestContext, row: PersonRow | null): Promise<ConsentLookup> {
  return row ? context.consents.load(row.bsnHash).then(undefined, unavailable) : Promise.resolve(NO_CONSENTS);
}

/** Fail closed: consent-based data is withheld when the consents cannot be read. */
function unavailable(): ConsentLookup {
  return 'unavailable';
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | null)?.then === 'function';
}

/**
 * What a decision may need to know besides the policy and the caller, and at which moment. The gateway
 * answers from its request's loaders (SubjectFacts above); the policy dry run (src/policy-whatif) from the
 * database as it stood when an access was logged. Each is asked only when the decision depends on it.
 */
export interface DecisionFacts {
  at: Date;
  /** Where the caller stands with the subject's household. */
  standingOf(subject: Subject): Promise<Standing>;
  /** The consent records of a person, or 'unavailable' when they cannot be read (fail closed). */
  consentsOf(personId: string): Promise<ConsentLookup>;
  /** The caller's decisions that no subject changes (default: looked up for policies and caller). */
  callerDecisions?: CallerDecisions;
  /** Decisions shared by the subjects that stand alike (default: none shared). */
  sharedDecisions?: SharedDecisions;
}

/** The decision for one field about one subject, from the policy, the caller and the facts it needs. */
export async function decideWithFacts(policies: PolicySet, caller: Caller, coordinate: string, subject: Subject | undefined, facts: DecisionFacts): Promise<Decision> {
  // A field without a policy, and any field no consent or involvement can change, is decided there.
  const entry = (facts.callerDecisions ?? callerDecisions(policies, caller)).entry(coordinate);
  if ('decision' in entry) return entry.decision;
  const { policy, dependence } = entry;
  const where = subject && dependence.onInvolvement ? await facts.standingOf(subject) : NOT_ABOUT_A_HOUSEHOLD;
  // Without involvement or a grant the consent records are not read at all (decideField does not look).
  const consents = needsConsents(dependence, subject, where) ? await facts.consentsOf(subject!.id) : NO_CONSENTS;
  return decideSettled(policies, caller, policy, dependence, subject, where, consents, facts.at, facts.sharedDecisions);
}

const NO_CONSENTS: ConsentLookup = [];

/** Whether a decision reads the person's consents: it depends on them, is about one person, and the caller stands where a consent could count. */
function needsConsents(dependence: SubjectDependence, subject: Subject | undefined, where: Where): boolean {
  if (!dependence.onConsent || subject?.kind !== 'person') return false;
  return where === NOT_ABOUT_A_HOUSEHOLD || where.involved || where.breakGlassGrantId !== undefined;
}

/** The decision once the facts it needs are known. `at`: the moment the consents were read (unused without any). */
function decideSettled(
  policies: PolicySet, caller: Caller, policy: FieldPolicy, dependence: SubjectDependence, subject: Subject | undefined, where: Where, consents: ConsentLookup, at: Date | undefined, shared: SharedDecisions | undefined,
): Decision {
  if (dependence.onConsent && subject?.kind !== 'person') {
    return shared?.notAboutOnePerson(policy) ?? notAboutOnePerson(policy);
  }
  return shared ? shared.decision(policies, policy, caller, where, dependence.onConsent ? consents : NO_CONSENTS, at) : decideField(policies, policy, caller, dependence.onConsent ? consents : NO_CONSENTS, at, where);
}

function notAboutOnePerson(policy: FieldPolicy): Decision {
  return { allowed: false, coordinate: policy.coordinate, code: 'FORBIDDEN', category: policy.category, reason: 'No single person to check consent for', options: [] };
}

/**
 * decideField reads a person's consents, and the moment, only through the consent that releases the
 * field (releasingConsent): its decision is the same for every person of households where the caller
 * stands alike (involved, a grant, neither) whose releasing consent is the same (that record, none, or
 * the store unavailable). So it is made once per such situation and field, and shared. A situation
 * without a grant is the same for every request of this kind of caller: its decisions are kept with the
 * caller's table (CallerDecisions.situations), across requests; for a releasing consent that is a
 * template without the consent's id, and each consent's own decision is kept here. A situation under a
 * grant is kept here too: the ids a request meets (grants, consents) stay with that request.
 */
export class SharedDecisions {
  private readonly own = new DecisionsBySituation();
  private readonly withoutPerson = new Map<string, Decision>();
  private madeWithoutPerson = 0;

  /** `acrossRequests`: the caller's table, whose id-free situations outlive this request (none: nothing kept beyond it). */
  constructor(private readonly acrossRequests?: CallerDecisions) {}

  /** How many decisions this request made itself (not taken from another subject or an earlier request). */
  get size(): number {
    return this.own.made + this.madeWithoutPerson;
  }

  decision(policies: PolicySet, policy: FieldPolicy, caller: Caller, where: Where, consents: ConsentLookup, at: Date | undefined): Decision {
    const releasing = consents === 'unavailable' || consents.length === 0 ? undefined : releasingConsent(consents, policy.category, caller, at!);
    const standingKey = standingKeyOf(where);
    if (!releasing) return this.memoOf(where).decision(standingKey, consents === 'unavailable' ? UNAVAILABLE_KEY : '', policies, policy, caller, where, consents, at);
    // Released by this person's consent: kept per consent for this request, made from the situation's template.
    const decision = this.own.fields(standingKey, releasing.id).get(policy.coordinate);
    if (decision) return decision;
    const template = this.consentTemplate(standingKey, policies, policy, caller, where, consents, at);
    return this.own.remember(standingKey, releasing.id, template.allowed && template.consentId !== undefined ? { ...template, consentId: releasing.id } : template);
  }

  /**
   * decideField names the releasing consent only as the released decision's consentId: the decision for
   * one releasing consent is the decision for any other with that id changed. So it is made once per
   * situation (with the first such consent met) and kept without the id, as a template.
   */
  private consentTemplate(standingKey: string, policies: PolicySet, policy: FieldPolicy, caller: Caller, where: Where, consents: ConsentLookup, at: Date | undefined): Decision {
    const memo = this.memoOf(where);
    const template = memo.fields(standingKey, RELEASED_KEY).get(policy.coordinate);
    if (template) return template;
    const made = decideField(policies, policy, caller, consents, at, where);
    return memo.remember(standingKey, RELEASED_KEY, made.allowed && made.consentId !== undefined ? { ...made, consentId: WHICH_CONSENT } : made);
  }

  /**
   * The decisions made so far, by field, where the caller stands so and no consent counts (none read,
   * none releasing): a subject in that situation takes its decisions from here without working out the
   * situation per field (SubjectFacts). decision() fills it.
   */
  withoutConsents(where: Where): ReadonlyMap<string, Decision> {
    return this.memoOf(where).fields(standingKeyOf(where), '');
  }

  /** Situations that name no grant are kept across requests (when this request has its caller's table); the others here. */
  private memoOf(where: Where): DecisionsBySituation {
    const grant = where === NOT_ABOUT_A_HOUSEHOLD ? undefined : where.breakGlassGrantId;
    return grant === undefined && this.acrossRequests ? this.acrossRequests.situations : this.own;
  }

  /** A consent field of something other than one person: withheld, the same for all. */
  notAboutOnePerson(policy: FieldPolicy): Decision {
    let decision = this.withoutPerson.get(policy.coordinate);
    if (!decision) {
      decision = notAboutOnePerson(policy);
      this.withoutPerson.set(policy.coordinate, decision);
      this.madeWithoutPerson += 1;
    }
    return decision;
  }
}

/** Where the caller stands, as a key; a grant id is part of it (the decision may name the grant). */
function standingKeyOf(where: Where): string {
  if (where === NOT_ABOUT_A_HOUSEHOLD) return '-';
  const standing = where.involved ? '1' : '0';
  return where.breakGlassGrantId === undefined ? standing : `${standing}:${where.breakGlassGrantId}`;
}

/** The consent keys of a person whose consents could not be read, and of a consent template; no consent id is empty, '!' or '*'. */
const UNAVAILABLE_KEY = '!';
const RELEASED_KEY = '*';
/** A template's consentId: replaced by the releasing consent's id before any field is decided with it. */
const WHICH_CONSENT = '';
