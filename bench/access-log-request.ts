/**
 * What the access log costs the gateway's CPU per request and per person, without the rest of the
 * gateway: the field decisions of a case screen recorded in an AccessLog (as the field wrapper does),
 * the LDV records built (buildLdvRecords), serialised, linked, hashed and handed to the database driver
 * as the group INSERT's one parameter. Every other person has care released on a consent of their own, so
 * people come to several decision sets, as on the gateway. By default the database is a stand-in that only encodes the
 * parameter as the driver would (UTF-8 bytes); `--postgres` writes to a throw-away PostgreSQL database
 * instead (one request at a time, so each is one INSERT and one commit), over one connection whose
 * server process's CPU is read from /proc (the server must run on this machine).
 *
 *   npx tsx bench/access-log-request.ts [--people 700] [--per-household 100] [--requests 200] [--postgres]
 *
 * The gateway bench's scenarios: one household is --people 3, seven households --people 15 --per-household 2.
 *
 * Prints milliseconds per request and microseconds per person, and the bytes of the INSERT parameter per person.
 */
import { parseArgs } from 'node:util';
import { PerformanceObserver } from 'node:perf_hooks';
import { AccessLog } from '../src/audit/access-log.ts';
import { AuditChain } from '../src/audit/audit-chain.ts';
import { writeAuditRecords, type AuditedRequest } from '../src/audit/audit-writer.ts';
import type { SqlRunner } from '../src/db/migrate.ts';
import type { HouseholdLoaders, PersonRow } from '../src/households/household-loaders.ts';
import type { Decision } from '../src/policy/decide.ts';
import { createBenchDatabase } from './bench-database.ts';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { applyMigrations } from '../src/db/migrate.ts';
import { pgRunner } from '../src/db/runners.ts';

const { values } = parseArgs({ options: { people: { type: 'string', default: '700' }, 'per-household': { type: 'string', default: '100' }, requests: { type: 'string', default: '200' }, postgres: { type: 'boolean', default: false } } });
const peoplePerHousehold = Number(values['per-household']);
const people = Number(values.people);
const requests = Number(values.requests);
const households = Math.max(1, Math.ceil(people / peoplePerHousehold));

const released = (coordinate: string, consentId?: string): Decision => ({ allowed: true, coordinate, basis: consentId ? 'consent' : 'wmo-wijkteam', consentId, options: [] });
const withheld = (coordinate: string): Decision => ({ allowed: false, coordinate, code: 'CONSENT_REQUIRED', reason: 'needs consent', options: [] });
// The case screen of bench/gateway-vs-stitching: the household's address, each member's name, housing, debt and care.
const HOUSEHOLD_DECISIONS = ['Household.address', 'Household.members', 'Address.street', 'Address.houseNumber', 'Address.postcode'].map((coordinate) => released(coordinate));
const SHARED_DECISIONS = [
  released('Person.givenName'), released('Person.familyName'), released('Person.housing'), released('Housing.rentArrearsMonths'), released('Housing.evictionStatus'),
  released('Person.debt'), released('Debt.caseStatus'), released('Debt.totalDebt'),
];
const CARE_WITHHELD = [withheld('Person.care'), withheld('Care.inCare'), withheld('Care.trajectoryKind')];
/**
 * A member's decisions, as the gateway shares them (src/request/field-decision.ts): the same objects for
 * everyone alike; care released on a consent of the member's own (every other member) is a decision of
 * that member only, so those members' decisions come to a decision set each.
 */
function personDecisions(n: number): Decision[] {
  if (n % 2 === 1) return [...SHARED_DECISIONS, ...CARE_WITHHELD];
  const consentId = `c-${n}`;
  return [...SHARED_DECISIONS, released('Person.care', consentId), released('Care.inCare', consentId), withheld('Care.trajectoryKind')];
}

const membersOf = new Map<string, PersonRow[]>();
let serial = 0;
for (let household = 0; household < households; household++) {
  const id = `hh-${household}`;
  const count = Math.min(peoplePerHousehold, people - household * peoplePerHousehold);
  membersOf.set(id, Array.from({ length: count }, () => {
    const n = ++serial;
    return { id: `p-${n}`, householdId: id, bsnHash: n.toString(16).padStart(64, '0'), bsnEncrypted: `v1.${'x'.repeat(16)}.${n.toString(36).padStart(40, 'y')}.${'z'.repeat(22)}`, givenName: 'A', familyName: 'B', birthDate: '1980-01-01' };
  }));
}
// Made anew per request, as the gateway decides anew per request.
let decisionsOf = new Map<string, Decision[]>();
const loaders = {
  membersOf: { load: async (id: string) => membersOf.get(id) ?? [] },
  person: { load: async () => null },
} as unknown as HouseholdLoaders;

function oneRequest(): AuditedRequest {
  decisionsOf = new Map([...membersOf.values()].flat().map((member) => [member.id, personDecisions(Number(member.id.slice(2)))]));
  const accessLog = new AccessLog();
  for (const [householdId, members] of membersOf) {
    const household = { kind: 'household' as const, id: householdId };
    accessLog.recordLookup(household, 'Query.households');
    for (const decision of HOUSEHOLD_DECISIONS) accessLog.record(household, decision);
    for (const member of members) {
      // The wrapper makes a new owner object per Person field, as ownerOf does.
      for (const decision of decisionsOf.get(member.id)!) accessLog.record({ kind: 'person', id: member.id }, decision);
    }
  }
  const now = new Date();
  return {
    caller: { subject: 'sanne.deboer', organisationId: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning' } as AuditedRequest['caller'],
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', foreignOperation: null,
    processingActivityId: 'https://ontschot.example/verwerkingsactiviteiten/wijkteam-ondersteuning/v1',
    name: 'CaseScreens', statusCode: 'OK', startTime: now, endTime: now, accessLog, households: loaders,
  };
}

let parameterBytes = 0;
const standIn: SqlRunner = {
  async query(_sql, params) {
    parameterBytes += Buffer.byteLength(params![0] as string);
    return [];
  },
  async exec() {},
};

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ['gc'] });

async function main(): Promise<void> {
  const database = values.postgres ? await createBenchDatabase() : undefined;
  const client = database ? new pg.Client({ connectionString: database.url }) : undefined;
  try {
    let serverPid: number | undefined;
    if (client) {
      await client.connect();
      await applyMigrations(pgRunner(client));
      serverPid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    }
    const serverCpuMs = () => {
      if (!serverPid) return 0;
      // utime and stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second on Linux).
      const fields = readFileSync(`/proc/${serverPid}/stat`, 'utf8').split(') ')[1].split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    };
    const chain = new AuditChain(client ? pgRunner(client) : standIn);
    for (let i = 0; i < 20; i++) await writeAuditRecords(chain, oneRequest()); // warm-up
    parameterBytes = 0;
    gcMs = 0;
    const serverBefore = serverCpuMs();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < requests; i++) await writeAuditRecords(chain, oneRequest());
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const serverMs = serverCpuMs() - serverBefore;
    console.log(`access log of one request of ${people} people in ${households} households, ${requests} requests one at a time, ${client ? 'PostgreSQL' : 'database stand-in'}:`);
    console.log(`  process CPU ${(cpuMs / requests).toFixed(2)} ms/request = ${((cpuMs * 1000) / requests / people).toFixed(2)} µs/person (wall ${(wallMs / requests).toFixed(2)} ms/request; GC ${(gcMs / requests).toFixed(2)} ms/request)`);
    if (client) console.log(`  PostgreSQL server process CPU ${(serverMs / requests).toFixed(2)} ms/request = ${((serverMs * 1000) / requests / people).toFixed(2)} µs/person`);
    else console.log(`  INSERT parameter ${(parameterBytes / requests / people).toFixed(0)} bytes/person`);
  } finally {
    await client?.end();
    await database?.drop();
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${(error as Error).message}`);
  process.exitCode = 2;
});
