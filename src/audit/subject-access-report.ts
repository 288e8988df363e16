import type { AuditRecord } from '../db/generated/client.ts';
import { findOrganisation } from '../domain/organisations.ts';
import { DOMAIN_OPERATORS } from '../domain/partner-domains.ts';
import type { PolicySet } from '../policy/policy-types.ts';
import type { OfficerScope } from '../supervision/officer-scope.ts';
import type { OfficerContact } from '../supervision/officer-contact.ts';
import { PROCESSING_LOG_QUERY_OPERATION } from '../adapters/sdk/processing-log-query.ts';
import type { PartnerProcessingAnswers } from './partner-processing.ts';
import type { ReportPeriod } from './report-period.ts';

/** One basis on which data was shown: a consent of the person, or a legal basis. */
export interface ReportBasis {
  kind: 'toestemming' | 'wettelijke grondslag' | 'onbekend';
  /** The consent record's id, for a consent. */
  consentId: string | null;
  /** The legal basis's name, for a legal basis. */
  name: string | null;
  description: string;
}

/** One access to the person's data, in words a resident can read. */
export interface ReportAccess {
  when: string;
  organisationId: string;
  organisation: string;
  roles: string[];
  /** The roles in words (policy file: roles). */
  roleDescriptions: string[];
  purpose: string;
  purposeDescription: string;
  /** Descriptions of the data categories that were shown. */
  categories: string[];
  /** Categories that were asked for but not shown. */
  withheldCategories: string[];
  bases: ReportBasis[];
  /** The whole access in one Dutch sentence. */
  text: string;
  traceId: string;
  recordId: string;
}

/** What a partner's adapter processed about the person in one of the hub's requests (its processing log). */
export interface PartnerProcessing {
  when: string;
  /** The partner organisation that operates the adapter. */
  organisation: string;
  service: string;
  purposeDescription: string;
  /** Descriptions of the data categories the adapter processed. */
  categories: string[];
  traceId: string;
  text: string;
}

/** The subject access report (AVG art. 15): who saw this person's data, when, why and on what basis. */
export interface SubjectAccessReport {
  title: string;
  generatedAt: string;
  /** The period covered: from the oldest record kept (null: the log is empty) to when the report was made. */
  periodFrom: string | null;
  periodTo: string;
  /** Which start that is (the first record, or the oldest one kept after the retention period), in words. */
  periodDescription: string;
  officerContact: OfficerContact | null;
  accessCount: number;
  summary: string;
  accesses: ReportAccess[];
  partnerProcessing: PartnerProcessing[];
  /** The partners (organisation names) whose processing log could not be asked. */
  partnersUnavailable: string[];
}

/** What a report holds besides the hub's own access records. */
export interface ReportAdditions {
  now?: Date;
  period?: ReportPeriod;
  officerContact?: OfficerContact;
  /** The partners' answers (src/audit/partner-processing.ts); absent: they were not asked. */
  partners?: PartnerProcessingAnswers;
}

const DATE_TIME = new Intl.DateTimeFormat('nl-NL', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Amsterdam' });

/**
 * Turns one person's access records into the report: per access the organisation and role, the purpose,
 * the categories of data (fields mapped to categories through the policy file) and the basis, with the
 * consent id where consent was the basis. Contains no BSN: the reader already knows whose report it is.
 *
 * `scope` is what the asking officer supervises (src/supervision/officer-scope.ts); the records are already
 * limited to it. An organisation's officer gets a report about that organisation only, and it says so.
 */
export function buildSubjectAccessReport(records: readonly AuditRecord[], policies: PolicySet, scope: OfficerScope = { kind: 'hub' }, additions: ReportAdditions = {}): SubjectAccessReport {
  const now = additions.now ?? new Date();
  const accesses = records.map((record) => reportAccess(record, policies));
  const shown = accesses.filter((access) => access.categories.length > 0).length;
  const organisation = scope.kind === 'organisation' ? organisationName(scope.organisationId) : undefined;
  const partnerProcessing = (additions.partners?.records ?? [])
    .map(({ domain, record }) => partnerEntry(organisationName(DOMAIN_OPERATORS[domain]), record, policies))
    .sort((a, b) => a.when.localeCompare(b.when) || a.organisation.localeCompare(b.organisation));
  const partnersUnavailable = (additions.partners?.unavailable ?? []).map((domain) => organisationName(DOMAIN_OPERATORS[domain]));
  const truncated = (additions.partners?.truncated ?? []).map((domain) => organisationName(DOMAIN_OPERATORS[domain]));
  const summary = [
    accesses.length === 0
      ? 'Er is niemand geweest die via de hub uw gegevens heeft opgevraagd.'
      : `Uw gegevens zijn ${accesses.length} keer opgevraagd via de hub; ${shown} keer zijn er gegevens getoond. Hieronder staat per keer wie het was, waarvoor en op welke grond.`,
    partnerProcessing.length > 0 ? `Bij die verzoeken hebben de partners ${partnerProcessing.length} keer gegevens over u verwerkt; ook dat staat hieronder.` : '',
    partnersUnavailable.length > 0 ? `Van ${partnersUnavailable.join(', ')} kon niet worden opgevraagd wat zij verwerkt hebben.` : '',
    truncated.length > 0 ? `Van ${truncated.join(', ')} is alleen het oudste deel van hun verwerkingen opgenomen; vraag de functionaris gegevensbescherming om de rest.` : '',
  ].filter(Boolean).join(' ');
  return {
    title: 'Overzicht van inzage in uw gegevens',
    generatedAt: now.toISOString(),
    periodFrom: additions.period?.from ?? null,
    periodTo: now.toISOString(),
    periodDescription: additions.period?.description ?? 'Vanaf de eerste registratie die nog bewaard wordt tot het moment waarop dit overzicht is gemaakt.',
    officerContact: additions.officerContact ?? null,
    accessCount: accesses.length,
    summary: organisation
      ? `Dit overzicht gaat alleen over inzage door ${organisation} en in gegevens die ${organisation} levert. ${summary}`
      : summary,
    accesses,
    partnerProcessing,
    partnersUnavailable,
  };
}

function organisationName(id: string): string {
  return findOrganisation(id)?.name ?? id;
}

function partnerEntry(partner: string, record: PartnerProcessingAnswers['records'][number]['record'], policies: PolicySet): PartnerProcessing {
  const { attributes } = record;
  const purposeDescription = policies.purposes.get(attributes['ontschot.purpose']) ?? attributes['ontschot.purpose'];
  const categories = categoriesOf(attributes['ontschot.fields'], policies);
  const asker = organisationName(attributes['ontschot.organisation']);
  const when = DATE_TIME.format(new Date(record.end_time));
  const failed = record.status_code === 'ERROR' ? ' (dit verzoek is mislukt)' : '';
  const text = record.name === PROCESSING_LOG_QUERY_OPERATION
    ? `Op ${when} heeft ${partner} op verzoek van ${asker} voor "${purposeDescription}" in zijn verwerkingslog opgezocht wat het over u verwerkt heeft.`
    : categories.length > 0
      ? `Op ${when} heeft ${partner} op verzoek van ${asker} voor "${purposeDescription}" de volgende gegevens over u opgezocht en aan de hub gegeven: ${categories.join('; ')}${failed}.`
      : `Op ${when} heeft ${partner} op verzoek van ${asker} voor "${purposeDescription}" gegevens over u verwerkt${failed}.`;
  return { when: new Date(record.end_time).toISOString(), organisation: partner, service: record.resource['service.name'], purposeDescription, categories, traceId: record.trace_id, text };
}

function reportAccess(record: AuditRecord, policies: PolicySet): ReportAccess {
  const organisation = organisationName(record.organisationId);
  const purposeDescription = policies.purposes.get(record.purpose) ?? record.purpose;
  const categories = categoriesOf(record.fieldsReleased, policies);
  const withheldCategories = categoriesOf(record.fieldsWithheld, policies).filter((category) => !categories.includes(category));
  const bases = basesOf(record, policies);
  const roles = record.roles.map((role) => policies.roles.get(role) ?? role);
  const when = DATE_TIME.format(record.endTime);
  const who = `${organisation} (${roles.join(', ') || 'onbekende rol'})`;
  // Under break-the-glass the organisation was not involved: the resident may know, and that it is reviewed.
  const emergency = record.breakGlassGrantId ? ` onder noodtoegang (zonder betrokkenheid bij uw huishouden, achteraf beoordeeld door de functionaris gegevensbescherming)` : '';
  const text = categories.length > 0
    ? `Op ${when} heeft ${who}${emergency} voor "${purposeDescription}" de volgende gegevens ingezien: ${categories.join('; ')}. Grond: ${bases.map(basisText).join('; ').replace(/\.$/, '')}.`
    : `Op ${when} heeft ${who}${emergency} voor "${purposeDescription}" gegevens opgevraagd; er is niets getoond.`;
  const withheld = withheldCategories.length > 0 ? ` Gevraagd maar niet getoond: ${withheldCategories.join('; ')}.` : '';
  return {
    when: record.endTime.toISOString(),
    organisationId: record.organisationId,
    organisation,
    roles: record.roles,
    roleDescriptions: roles,
    purpose: record.purpose,
    purposeDescription,
    categories,
    withheldCategories,
    bases,
    text: `${text}${withheld}`,
    traceId: record.traceId,
    recordId: record.id,
  };
}

function categoriesOf(coordinates: readonly string[], policies: PolicySet): string[] {
  const names = new Set<string>();
  for (const coordinate of coordinates) {
    const category = policies.fields.get(coordinate)?.category;
    if (category) names.add(category);
  }
  return [...names].sort().map((name) => policies.categories.get(name)?.description ?? name);
}

function basesOf(record: AuditRecord, policies: PolicySet): ReportBasis[] {
  if (record.fieldsReleased.length === 0) return [];
  const recorded = record.fieldBases as Record<string, string> | null;
  if (!recorded) return [{ kind: 'onbekend', consentId: null, name: null, description: 'De grond is bij deze (oude) registratie niet vastgelegd.' }];
  return [...new Set(Object.values(recorded))].sort().map((basis): ReportBasis => {
    if (basis.startsWith('consent:')) {
      return { kind: 'toestemming', consentId: basis.slice('consent:'.length), name: null, description: 'Uw eigen toestemming' };
    }
    return { kind: 'wettelijke grondslag', consentId: null, name: basis, description: policies.legalBases.get(basis)?.description ?? basis };
  });
}

function basisText(basis: ReportBasis): string {
  if (basis.kind === 'toestemming') return `uw toestemming (kenmerk ${basis.consentId})`;
  // The description, not the policy file's key: the reader knows the law by what it says.
  if (basis.kind === 'wettelijke grondslag') return `wettelijke grondslag: ${basis.description}`;
  return basis.description;
}
