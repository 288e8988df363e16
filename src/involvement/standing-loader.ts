import DataLoader from 'dataloader';
import { Prisma, type PrismaClient } from '../db/generated/client.ts';
import type { Caller } from '../auth/caller.ts';
import type { Standing } from '../policy/need-to-know.ts';
import type { ConsentRecord } from '../consent/consent-record.ts';
import type { ConsentLoader } from '../consent/consent-loader.ts';
import type { SqlRunner } from '../db/migrate.ts';

/**
 * Where the standing statement runs: the pool directly (the gateway: a prepared statement, without
 * Prisma's raw-query path, which cost about as much CPU as the rest of the request's reads), or Prisma
 * (the policy dry run, src/policy-whatif, inside its own transaction).
 */
export type StandingReader = Pick<SqlRunner, 'query'> | Pick<PrismaClient, '$queryRaw'>;

/**
 * Where the caller stands with each household asked about in this request: is the caller's organisation
 * actively involved with it for the caller's purpose, and has the caller an unexpired break-the-glass
 * grant for it. One database statement for all households of the request (both questions in one SQL
 * query), read only when a decision or look-up needs it; a new loader per request, so an involvement
 * ended a moment ago counts at once.
 *
 * When the request's query selects a field that depends on consent (readConsentsWithStanding), the same
 * statement also reads the consent records of the members of those households where the caller is
 * involved or has a grant (elsewhere decisions do not look at consents, and they are not read), and
 * primes the request's consent loader with them: the decisions that need them then take them at once
 * (ConsentLoader.primed), with no further round trip and no promise.
 */
export function createStandingLoader(
  reader: StandingReader,
  caller: Caller,
  now: () => Date = () => new Date(),
  consents?: ConsentLoader,
): DataLoader<string, Standing> {
  const loader: DataLoader<string, Standing> = new DataLoader(async (householdIds) => {
    const rows = await readStandingRows(loader, householdIds);
    return householdIds.map((id) => standingOf(rows.get(id)));
  });
  settings.set(loader, { reader, caller, now, consents });
  return loader;
}

/** What a standing loader reads with: kept beside it, for reads ahead of its batches (readStandingWith). */
interface StandingSettings {
  reader: StandingReader;
  caller: Caller;
  now: () => Date;
  consents: ConsentLoader | undefined;
}

const settings = new WeakMap<DataLoader<string, Standing>, StandingSettings>();

/**
 * Reads the standing of these households now, in one statement that also selects `alongside` (SQL over
 * the household's id, `h.id`) for each of them, and primes the loader with each household's standing
 * (and the consent loader with the members' consents, as a batch of its own would). For a read of the
 * households themselves in the same round trip (src/households/household-read-ahead.ts). A failed read
 * is kept by the loader, and the first decision that needs the standing fails closed on it.
 */
export function readStandingWith<Alongside>(
  loader: DataLoader<string, Standing>,
  householdIds: readonly string[],
  alongside: Prisma.Sql,
): Promise<Map<string, Alongside | null>> {
  const rows = readStandingRows(loader, householdIds, alongside);
  for (const id of householdIds) {
    const standing = rows.then((byHousehold) => standingOf(byHousehold.get(id)));
    // Kept by the loader for the decisions; a rejection nobody asks for is not an unhandled one.
    standing.catch(() => undefined);
    loader.prime(id, standing);
  }
  return rows.then((byHousehold) => new Map(householdIds.map((id) => [id, (byHousehold.get(id)?.alongside ?? null) as Alongside | null])));
}

/** A column the statement leaves empty (no consents, nothing alongside): one fragment, not one per read. */
const NOTHING = Prisma.sql`NULL::json`;

/** The standing's rows per household id; primes the consent loader with the members' consents when they were read. */
async function readStandingRows(loader: DataLoader<string, Standing>, householdIds: readonly string[], alongside: Prisma.Sql = NOTHING): Promise<Map<string, StandingRow>> {
  const { reader, caller, now, consents } = settings.get(loader)!;
  const at = now();
  const withConsents = consents !== undefined && consentsWanted.has(loader);
  let rows: StandingRow[];
  let consentsFailed: Error | undefined;
  try {
    rows = await readStanding(reader, caller, at, householdIds, withConsents ? consentsOfMembers : NOTHING, alongside);
  } catch (error) {
    if (!withConsents) throw error;
    // Fail closed per field, as a consent read of its own would: the standing read again without the
    // consents (a locked consent table must not cost the whole answer), and each member's consent
    // look-up failing with this error (CONSENT_UNAVAILABLE where a decision needs it).
    consentsFailed = error instanceof Error ? error : new Error('The consents could not be read');
    rows = await readStanding(reader, caller, at, householdIds, keysOfMembers, alongside);
  }
  for (const row of rows) {
    for (const member of row.members ?? []) consents!.prime(member.subjectKey, consentsFailed ?? (member.consents ?? []).map(consentRecord));
  }
  return new Map(rows.map((row) => [row.household_id, row]));
}

function standingOf(row: StandingRow | undefined): Standing {
  return { involved: row?.involved === true, ...(row?.grant_id ? { breakGlassGrantId: row.grant_id } : {}) };
}

interface StandingRow {
  household_id: string;
  involved: boolean;
  grant_id: string | null;
  members: MemberConsents[] | null;
  alongside: unknown;
}

function readStanding(reader: StandingReader, caller: Caller, at: Date, householdIds: readonly string[], members: Prisma.Sql, alongside: Prisma.Sql): Promise<StandingRow[]> {
  const statement = standingStatement(caller, at, householdIds, members, alongside);
  if ('$queryRaw' in reader) return reader.$queryRaw<StandingRow[]>(statement);
  return reader.query<StandingRow>(statement.text, statement.values, preparedNameOf(statement.text));
}

/** A name per text of the statement (with or without a purpose, with the consents, the keys or neither, with or without what is read alongside): a few in all. */
const preparedNames = new Map<string, string>();

function preparedNameOf(text: string): string {
  let name = preparedNames.get(text);
  if (!name) {
    name = `standing-${preparedNames.size + 1}`;
    preparedNames.set(text, name);
  }
  return name;
}

function standingStatement(caller: Caller, at: Date, householdIds: readonly string[], members: Prisma.Sql, alongside: Prisma.Sql): Prisma.Sql {
  // `timestamp(3)` columns hold UTC: compare with the moment's UTC wall time.
  const moment = Prisma.sql`${at.toISOString().slice(0, 23)}::timestamp`;
  // The ids as one JSON array, not a text[]: with a text[] parameter the planner counts the array's
  // elements in each custom plan (one household: one row), so the generic plan always looked dearer and
  // the prepared statement was planned again at every execution, 0.8 ms of PostgreSQL's CPU against
  // 0.13 ms to execute it. json_array_elements_text gives no count to plan by, and after five
  // executions PostgreSQL keeps the generic plan (test/involvement/standing-loader.test.ts).
  return Prisma.sql`
    SELECT h.id AS household_id, s.involved, s.grant_id, ${members} AS members, ${alongside} AS alongside
    FROM json_array_elements_text(${JSON.stringify(householdIds)}::json) AS h(id)
    CROSS JOIN LATERAL (SELECT
      EXISTS (
        SELECT 1 FROM "involvement" i
        WHERE i."household_id" = h.id AND i."organisation_id" = ${caller.organisationId}${purposeIs('i', caller.purpose)}
          AND i."since" <= ${isoDate(at)} AND (i."ends_at" IS NULL OR i."ends_at" > ${moment})
      ) AS involved,
      (
        SELECT g."id" FROM "break_glass_grant" g
        WHERE g."household_id" = h.id AND g."professional" = ${caller.subject} AND g."organisation_id" = ${caller.organisationId}${purposeIs('g', caller.purpose)}
          AND g."granted_at" <= ${moment} AND g."expires_at" > ${moment}
        ORDER BY g."granted_at" DESC LIMIT 1
      ) AS grant_id) s`;
}

/** Loaders whose request selects a consent-dependent field (see readConsentsWithStanding). */
const consentsWanted = new WeakSet<DataLoader<string, Standing>>();

/**
 * For this request's standing loader: read the consents of the members of households where the caller
 * is involved or has a grant in the same statement as the standing. Only for requests whose query
 * selects a field whose decision depends on consent; other requests read no consents at all.
 */
export function readConsentsWithStanding(standing: DataLoader<string, Standing>): void {
  consentsWanted.add(standing);
}

interface MemberConsents {
  subjectKey: string;
  consents?: { id: string; subjectKey: string; category: string; granteeOrganisationId: string; purpose: string; validFrom: string; validUntil: string | null; withdrawnAt: string | null; confirmedAt: string | null }[];
}

/** Per member of an involved (or granted) household: its look-up key and its consent records, as JSON. */
const consentsOfMembers = Prisma.sql`CASE WHEN s.involved OR s.grant_id IS NOT NULL THEN (
  SELECT coalesce(json_agg(json_build_object('subjectKey', p."bsn_hash", 'consents', (
    SELECT coalesce(json_agg(json_build_object(
      'id', c."id", 'subjectKey', c."subject_key", 'category', c."category", 'granteeOrganisationId', c."grantee_organisation_id",
      'purpose', c."purpose", 'validFrom', c."valid_from", 'validUntil', c."valid_until", 'withdrawnAt', c."withdrawn_at", 'confirmedAt', c."confirmed_at")), '[]'::json)
    FROM "consent" c WHERE c."subject_key" = p."bsn_hash"))), '[]'::json)
  FROM "person" p WHERE p."household_id" = h.id) END`;

/** The same members' look-up keys only (when the consents could not be read). */
const keysOfMembers = Prisma.sql`CASE WHEN s.involved OR s.grant_id IS NOT NULL THEN (
  SELECT coalesce(json_agg(json_build_object('subjectKey', p."bsn_hash")), '[]'::json) FROM "person" p WHERE p."household_id" = h.id) END`;

/** JSON renders a `timestamp(3)` (UTC wall time) without a zone: read it as UTC, as Prisma does. */
function consentRecord(row: NonNullable<MemberConsents['consents']>[number]): ConsentRecord {
  const utc = (value: string | null) => (value === null ? null : new Date(`${value}Z`));
  return {
    id: row.id, subjectKey: row.subjectKey, category: row.category, granteeOrganisationId: row.granteeOrganisationId, purpose: row.purpose,
    validFrom: utc(row.validFrom)!, validUntil: utc(row.validUntil), withdrawnAt: utc(row.withdrawnAt), confirmedAt: utc(row.confirmedAt),
  };
}

/** `AND <table>.purpose = …`, as activeInvolvementOf: an undefined purpose matches any. */
function purposeIs(table: 'i' | 'g', purpose: string | undefined): Prisma.Sql {
  return purpose !== undefined ? Prisma.sql` AND ${Prisma.raw(table)}."purpose" = ${purpose}` : Prisma.empty;
}

/** The Prisma condition for an active involvement of an organisation for a purpose at a moment. */
export function activeInvolvementOf(organisationId: string, purpose: string | undefined, at: Date) {
  return {
    organisationId,
    ...(purpose !== undefined ? { purpose } : {}),
    since: { lte: isoDate(at) },
    OR: [{ endsAt: null }, { endsAt: { gt: at } }],
  };
}

/** The calendar date (UTC) of a moment, as `since` holds it: 2026-11-24. */
export function isoDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}
