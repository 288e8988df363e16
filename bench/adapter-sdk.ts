/**
 * What the adapter SDK costs per hub request, and what its replay guard costs per check.
 *
 * 1. Adapter CPU per call: one adapter (the housing contract over an in-memory partner, so the figure is
 *    the SDK's own cost: token check, parse, validation, execution, processing log) runs in its own
 *    process; this process sends it household queries (4 BSNs) over real HTTP, each with a fresh
 *    hub-signed token bound to the body, and reads the adapter's process.cpuUsage() before and after.
 *    With `--baseline <git revision>` the same adapter is also run from that revision's src/ (extracted
 *    with git archive into a temp folder), alternating with the current code, so both are measured in
 *    one run on the same machine load.
 *    With `--partners`: instead, the three real adapters (housing, debt, GGZ) in front of the real partner
 *    simulators (run in this process, with the bench population of bench/gateway-vs-stitching: page
 *    size 5, so a call about 700 people takes many pages), asked about one household and about the 700
 *    people, every contract field: the adapter's partner client (HTTP, paging, JSON) is in the figure.
 * 2. Replay guard cost per check at 100 and 1,000 tokens per second (each remembered for its 60 s
 *    lifetime): today's guard (kept below, in this file only) against the expiry-bucket guard, on a
 *    simulated clock. With `--postgres` also the shared PostgreSQL guard (a throw-away database).
 *
 *   npm run bench:adapter -- [--calls 2000] [--baseline <rev>] [--postgres] [--partners [--scenario one|700]]
 */
import { execSync, fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { buildSchema, parse } from 'graphql';

const HERE = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(HERE), '..');
const HOUSEHOLD = ['999906318', '999918369', '999915460', '999975201'];
const QUERY = 'query People($bsns: [String!]!) { peopleByBsn(bsns: $bsns) { bsn housing { rentArrearsMonths evictionStatus monthlyRent } } }';

/** Child process: the adapter, from the src/ under `root`. */
async function serveAdapter(root: string): Promise<void> {
  const sdk = await import(pathToFileURL(path.join(root, 'src/adapters/sdk/index.ts')).href);
  const { loadDomainSdl } = await import(pathToFileURL(path.join(root, 'src/domain/partner-domains.ts')).href);
  const record = { rentArrearsMonths: 3, evictionStatus: 'SUMMONED', monthlyRent: 712.5 };
  process.once('message', async (message: { jwks: unknown; dataDir: string }) => {
    const definition = sdk.defineAdapter({
      name: 'bench-adapter',
      domain: 'housing',
      contractSdl: loadDomainSdl('housing'),
      personField: 'housing',
      fetch: async (bsns: string[]) => new Map(bsns.map((bsn) => [bsn, record])),
    });
    answerCommands(await sdk.startAdapter(definition, { hubKeys: { jwks: message.jwks }, dataDir: message.dataDir }));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { calls: { type: 'string', default: '2000' }, baseline: { type: 'string' }, postgres: { type: 'boolean', default: false }, partners: { type: 'boolean', default: false }, scenario: { type: 'string' } },
  });
  const calls = Number(values.calls);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-bench-adapter-'));
  try {
    const variants: { label: string; root: string }[] = [];
    if (values.baseline) variants.push({ label: `baseline ${values.baseline}`, root: await extractRevision(values.baseline, dataDir) });
    variants.push({ label: 'current', root: ROOT });
    if (values.partners) return await benchPartnerAdapters(variants, calls, dataDir, values.scenario);
    await benchAdapterCpu(variants, calls, dataDir);
    await benchReplayGuards();
    if (values.postgres) await benchPostgresGuard();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The SDK as it was at `revision`, runnable with this checkout's node_modules. */
async function extractRevision(revision: string, dataDir: string): Promise<string> {
  const root = path.join(dataDir, 'baseline');
  execSync(`mkdir -p ${JSON.stringify(root)} && git -C ${JSON.stringify(ROOT)} archive ${JSON.stringify(revision)} src schema package.json | tar -x -C ${JSON.stringify(root)}`);
  await symlink(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'));
  return root;
}

async function benchAdapterCpu(variants: { label: string; root: string }[], calls: number, dataDir: string): Promise<void> {
  const { loadHubSigningKey } = await import('../src/auth/hub-signing-key.ts');
  const { signUpstreamToken } = await import('../src/auth/upstream-token.ts');
  const { contentDigest } = await import('../src/auth/request-digest.ts');
  const { requestBody } = await import('../src/adapters/conformance/adapter-client.ts');
  const { selectedCoordinates } = await import('../src/selection/selected-fields.ts');
  const { loadDomainSdl } = await import('../src/domain/partner-domains.ts');
  const hubKey = await loadHubSigningKey(dataDir, {});
  const body = requestBody(QUERY, { bsns: HOUSEHOLD });
  const fields = selectedCoordinates(buildSchema(loadDomainSdl('housing')), parse(QUERY));
  const digest = contentDigest(body);
  const token = () =>
    signUpstreamToken(hubKey, { domain: 'housing', professional: 'wijkcoach-anna', organisationId: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning', fields, contentDigest: digest });

  const results = new Map<string, number[]>();
  // Alternating rounds, so a change in machine load hits both variants alike.
  for (let round = 0; round < 2; round++) {
    for (const variant of variants) {
      const adapter = await startChild(variant.root, hubKey.jwks, path.join(dataDir, `${variant.label.replace(/\W+/g, '-')}-${round}`));
      try {
        const send = async () => {
          const response = await fetch(adapter.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${await token()}` },
            body,
          });
          const result = (await response.json()) as { data?: { peopleByBsn: unknown[] } };
          if (response.status !== 200 || result.data?.peopleByBsn.length !== HOUSEHOLD.length) throw new Error(`adapter answered ${response.status}`);
        };
        const drive = async (count: number) => {
          let next = 0;
          await Promise.all(Array.from({ length: 4 }, async () => {
            while (next++ < count) await send();
          }));
        };
        await drive(200); // warm-up: JIT, connections, the log file
        const before = await adapter.cpu();
        const started = performance.now();
        await drive(calls);
        const elapsed = performance.now() - started;
        const after = await adapter.cpu();
        const userUs = (after.user - before.user) / calls;
        const systemUs = (after.system - before.system) / calls;
        results.set(variant.label, [...(results.get(variant.label) ?? []), userUs + systemUs]);
        console.log(
          `  round ${round + 1}, ${variant.label}: ${(userUs + systemUs).toFixed(0)} µs adapter CPU per call ` +
            `(user ${userUs.toFixed(0)}, system ${systemUs.toFixed(0)}), ${((calls / elapsed) * 1000).toFixed(0)} calls/s`,
        );
      } finally {
        await adapter.stop();
      }
    }
  }
  console.log(`adapter CPU per household call (${HOUSEHOLD.length} BSNs, ${calls} calls, 4 at a time, best of 2 rounds):`);
  for (const [label, figures] of results) console.log(`  ${label.padEnd(22)} ${Math.min(...figures).toFixed(0)} µs`);
}

/** Child process: the real adapter of `domain` from the src/ under `root`, in front of its partner simulator. */
/** In a child process: tells the parent the adapter's URL, then answers its `cpu` and `stop` commands. */
function answerCommands(adapter: { url: string; close(): Promise<void> }): void {
  process.on('message', async (command: string) => {
    if (command === 'cpu') process.send!({ cpu: process.cpuUsage() });
    if (command === 'stop') {
      await adapter.close();
      process.exit(0);
    }
  });
  process.send!({ url: adapter.url });
}

async function servePartnerAdapter(root: string, domain: 'housing' | 'debt' | 'care'): Promise<void> {
  const file = { housing: 'housing/adapter.ts', debt: 'debt/adapter.ts', care: 'ggz/adapter.ts' }[domain];
  const module = await import(pathToFileURL(path.join(root, 'src/adapters', file)).href);
  const start = { housing: module.startHousingAdapter, debt: module.startDebtAdapter, care: module.startGgzAdapter }[domain];
  process.once('message', async (message: { jwks: unknown; dataDir: string; partnerUrl: string; apiKey: string }) => {
    answerCommands(await start({ hubKeys: { jwks: message.jwks }, dataDir: message.dataDir, partnerUrl: message.partnerUrl, apiKey: message.apiKey }));
  });
}

async function benchPartnerAdapters(variants: { label: string; root: string }[], calls: number, dataDir: string, only?: string): Promise<void> {
  const { loadHubSigningKey } = await import('../src/auth/hub-signing-key.ts');
  const { signUpstreamToken } = await import('../src/auth/upstream-token.ts');
  const { contentDigest } = await import('../src/auth/request-digest.ts');
  const { requestBody } = await import('../src/adapters/conformance/adapter-client.ts');
  const { loadContract } = await import('../src/adapters/conformance/contract.ts');
  const { peopleQuery } = await import('../src/adapters/conformance/people-query.ts');
  const { DEMO_HOUSEHOLDS } = await import('../src/demo/population.ts');
  const { BENCH_POPULATION } = await import('./gateway-vs-stitching/population.ts');
  const { startHousingSimulator } = await import('../src/partners/housing/simulator.ts');
  const { startDebtSimulator } = await import('../src/partners/debt/simulator.ts');
  const { startGgzFhirSimulator } = await import('../src/partners/ggz/simulator.ts');
  const hubKey = await loadHubSigningKey(dataDir, {});
  const apiKey = randomUUID();
  const households = [...DEMO_HOUSEHOLDS, ...BENCH_POPULATION.households];
  const partners = {
    housing: await startHousingSimulator({ households }),
    debt: await startDebtSimulator({ households, apiKey }),
    care: await startGgzFhirSimulator({ households }),
  };
  // As the gateway asks: one call per request, one aliased peopleByBsn per batch (here: per household).
  const scenarios = [
    { key: 'one', label: 'one household', batches: [DEMO_HOUSEHOLDS[0].members.map((member) => member.bsn)], calls },
    { key: '700', label: '700 people', batches: BENCH_POPULATION.households.map((household) => household.members.map((member) => member.bsn)), calls: Math.max(10, Math.round(calls / 40)) },
  ].filter((scenario) => only === undefined || scenario.key === only);
  const batchedQuery = (contract: ReturnType<typeof loadContract>, batches: number): string => {
    const selection = `{ bsn ${contract.personField} { ${contract.leafFields.join(' ')} } }`;
    const variables = Array.from({ length: batches }, (_, i) => `$b${i}: [String!]!`).join(', ');
    return `query People(${variables}) { ${Array.from({ length: batches }, (_, i) => `p${i}: peopleByBsn(bsns: $b${i}) ${selection}`).join(' ')} }`;
  };
  const results = new Map<string, number[]>();
  try {
    for (let round = 0; round < 2; round++) {
      for (const variant of variants) {
        for (const domain of ['housing', 'debt', 'care'] as const) {
          const contract = loadContract(domain);
          const coordinates = peopleQuery(contract).coordinates;
          const adapter = await startChild(variant.root, hubKey.jwks, path.join(dataDir, `${variant.label.replace(/\W+/g, '-')}-${domain}-${round}`), {
            serve: ['--serve-partner', variant.root, domain], partnerUrl: `${partners[domain].url}${domain === 'care' ? '/fhir' : ''}`, apiKey,
          });
          try {
            for (const scenario of scenarios) {
              const body = requestBody(batchedQuery(contract, scenario.batches.length), Object.fromEntries(scenario.batches.map((bsns, i) => [`b${i}`, bsns])));
              const people = scenario.batches.flat().length;
              const digest = contentDigest(body);
              const send = async () => {
                const token = await signUpstreamToken(hubKey, {
                  domain, professional: 'wijkcoach-anna', organisationId: 'wijkteam-oost', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning', fields: coordinates, contentDigest: digest,
                });
                const response = await fetch(adapter.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${token}` }, body });
                const result = (await response.json()) as { data?: Record<string, unknown[]>; errors?: unknown[] };
                if (response.status !== 200 || result.errors || Object.values(result.data ?? {}).flat().length !== people) throw new Error(`${domain} adapter answered ${response.status}: ${JSON.stringify(result.errors)}`);
              };
              const drive = async (count: number) => {
                let next = 0;
                await Promise.all(Array.from({ length: 2 }, async () => {
                  while (next++ < count) await send();
                }));
              };
              await drive(Math.max(4, Math.round(scenario.calls / 10))); // warm-up
              const before = await adapter.cpu();
              await drive(scenario.calls);
              const after = await adapter.cpu();
              const perCallUs = (after.user - before.user + after.system - before.system) / scenario.calls;
              const key = `${scenario.label}|${domain}|${variant.label}`;
              results.set(key, [...(results.get(key) ?? []), perCallUs]);
              console.log(`  round ${round + 1}, ${variant.label}, ${domain}, ${scenario.label}: ${(perCallUs / 1000).toFixed(2)} ms adapter CPU per call`);
            }
          } finally {
            await adapter.stop();
          }
        }
      }
    }
  } finally {
    await Promise.all(Object.values(partners).map((partner) => partner.close()));
  }
  console.log('adapter CPU per call, ms (best of 2 rounds; 2 calls at a time):');
  console.log(`| scenario | variant | housing | debt | care | sum |\n| --- | --- | ---: | ---: | ---: | ---: |`);
  for (const scenario of scenarios) {
    for (const variant of variants) {
      const best = (['housing', 'debt', 'care'] as const).map((domain) => Math.min(...results.get(`${scenario.label}|${domain}|${variant.label}`)!) / 1000);
      console.log(`| ${scenario.label} | ${variant.label} | ${best.map((ms) => ms.toFixed(2)).join(' | ')} | ${best.reduce((a, b) => a + b, 0).toFixed(2)} |`);
    }
  }
}

async function startChild(root: string, jwks: unknown, dataDir: string, partner?: { serve: string[]; partnerUrl: string; apiKey: string }) {
  // BENCH_CPU_PROF=<folder>: a V8 CPU profile of each adapter process, to see where its time goes.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-interval=250', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child: ChildProcess = fork(HERE, partner?.serve ?? ['--serve', root], { execArgv: ['--import', 'tsx', ...profile], env: { ...process.env, LOG_LEVEL: 'silent' }, cwd: root });
  const reply = <T>(): Promise<T> => new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message as T));
    child.once('exit', (code) => reject(new Error(`adapter process exited (${code})`)));
  });
  const ready = reply<{ url: string }>();
  child.send({ jwks, dataDir, partnerUrl: partner?.partnerUrl, apiKey: partner?.apiKey });
  const { url } = await ready;
  return {
    url,
    async cpu(): Promise<NodeJS.CpuUsage> {
      const answer = reply<{ cpu: NodeJS.CpuUsage }>();
      child.send('cpu');
      return (await answer).cpu;
    },
    async stop(): Promise<void> {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('stop');
      await exited;
    },
  };
}

/** Today's guard, kept here only to compare: every check walks every remembered id. */
class WalkingReplayGuard {
  private readonly seen = new Map<string, number>();
  firstUse(jti: string, expiresAtMs: number, nowMs = Date.now()): boolean {
    this.prune(nowMs);
    if (this.seen.has(jti)) return false;
    this.seen.set(jti, expiresAtMs);
    return true;
  }
  /** Fills the guard as a steady stream of tokens would have, without paying for the walks on the way. */
  preload(entries: [string, number][]): void {
    for (const [jti, expiresAtMs] of entries) this.seen.set(jti, expiresAtMs);
  }
  private prune(nowMs: number): void {
    for (const [jti, expiresAtMs] of this.seen) {
      if (expiresAtMs <= nowMs) this.seen.delete(jti);
    }
  }
}

async function benchReplayGuards(): Promise<void> {
  // Imported here, not at the top: the adapter child process loads this file too, and needs none of it.
  const { InMemoryReplayGuard } = await import('../src/adapters/sdk/replay-guard.ts');
  const lifetimeMs = 60_000;
  console.log('replay guard cost per check (tokens remembered for their 60 s lifetime, simulated clock):');
  for (const rate of [100, 1_000]) {
    const stepMs = 1_000 / rate;
    const start = 1_800_000_000_000;
    const steady: [string, number][] = Array.from({ length: rate * 60 }, (_, i) => [`old-${i}`, start + i * stepMs]);
    const checks = rate === 100 ? 6_000 : 2_000;

    const walking = new WalkingReplayGuard();
    walking.preload(steady);
    let now = start;
    let started = performance.now();
    for (let i = 0; i < checks; i++) walking.firstUse(`new-${i}`, (now += stepMs) + lifetimeMs, now);
    const walkingUs = ((performance.now() - started) * 1000) / checks;

    let clock = start;
    const buckets = new InMemoryReplayGuard(1_000_000, () => clock);
    for (const [jti, until] of steady) buckets.check(jti, until);
    started = performance.now();
    for (let i = 0; i < checks * 10; i++) buckets.check(`new-${i}`, (clock += stepMs) + lifetimeMs);
    const bucketsUs = ((performance.now() - started) * 1000) / (checks * 10);
    console.log(`  ${String(rate).padStart(5)} tokens/s (${rate * 60} ids remembered): today's guard ${walkingUs.toFixed(1)} µs, expiry buckets ${bucketsUs.toFixed(2)} µs`);
  }
}

async function benchPostgresGuard(): Promise<void> {
  const { createBenchDatabase } = await import('./bench-database.ts');
  const { PostgresReplayGuard } = await import('../src/adapters/sdk/postgres-replay-guard.ts');
  const database = await createBenchDatabase();
  const guard = new PostgresReplayGuard({ connectionString: database.url });
  try {
    for (let i = 0; i < 50; i++) await guard.firstUse(randomUUID(), Date.now() + 60_000);
    const checks = 1_000;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < checks; i++) await guard.firstUse(randomUUID(), Date.now() + 60_000);
    const elapsedUs = ((performance.now() - started) * 1000) / checks;
    const cpu = process.cpuUsage(cpuBefore);
    console.log(`shared PostgreSQL guard: ${elapsedUs.toFixed(0)} µs per check (round trip, one at a time), ${((cpu.user + cpu.system) / checks).toFixed(0)} µs adapter CPU per check`);
  } finally {
    await guard.close();
    await database.drop();
  }
}

// Last, so that every class above is defined when this runs.
if (process.argv[2] === '--serve') await serveAdapter(process.argv[3]);
else if (process.argv[2] === '--serve-partner') await servePartnerAdapter(process.argv[3], process.argv[4] as 'housing' | 'debt' | 'care');
else await main();
