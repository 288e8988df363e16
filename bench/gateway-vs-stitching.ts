/**
 * ontschot beside a plain stitching gateway (issue 13): the same topology as docker-compose.yml (partner
 * simulators and adapters as separate processes, PostgreSQL), each gateway in its own process with its
 * own adapters and its own throw-away database; the partner simulators are shared. Contestants:
 *   plain            Apollo Server 5 + stitchSchemas, same hub subschema and batched merge, no
 *                    authorization, consent, pruning or access log (bench/plain-stitching/)
 *   ontschot@<rev>   with --baseline <rev>: that commit's gateway and adapters (a cached git worktree)
 *   ontschot@HEAD    this checkout's gateway and adapters
 * Scenarios: one household (hh-1001), the demo wijkcoach's seven households, and 7 generated households
 * of 100 people (bench/gateway-vs-stitching/population.ts), all with one case-screen query and one token
 * (the demo wijkcoach of Wijkteam Oost). Each answer is checked against the plain one once per scenario,
 * so a broken contestant cannot win. In each of the interleaved rounds every contestant runs once per
 * scenario (the order rotating), measuring: p50/p99 at concurrency 1, requests/s at 16, gateway CPU per
 * request and adapter CPU per call (/proc/<pid>/stat around the requests at 16; adapter calls counted
 * in the adapters' processing logs). Printed: medians over rounds and ratios, as a Markdown table.
 *
 *   npm run bench:gateway [-- --baseline dcfaa4a --rounds 3 --scenarios one,seven,700 --partner-latency-ms 0 --quick]
 *
 * Throw-away databases on ONTSCHOT_TEST_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { loadDemoIssuer } from '../src/auth/demo-issuer.ts';
import { loadHubSigningKey } from '../src/auth/hub-signing-key.ts';
import { loadHubDataKey } from '../src/crypto/hub-data-key.ts';
import { DEMO_ISSUER, HUB_AUDIENCE } from '../src/config/env.ts';
import { DEMO_PROFILES } from '../src/cli/demo-tokens.ts';
import { demoHouseholdsOf } from '../src/demo/population.ts';
import { startPartnerSimulators, type PartnerSimulatorProcesses } from './partner-processes.ts';
import { checkOutBaseline } from './gateway-vs-stitching/baseline-checkout.ts';
import { startContestant, type Contestant } from './gateway-vs-stitching/contestants.ts';
import { measure, type Amounts, type Measurement, type ScenarioRequest } from './gateway-vs-stitching/measure.ts';
import { compareWithPlain, plainAnswerProblems, type GraphQLAnswer } from './gateway-vs-stitching/compare-answers.ts';
import { HOUSEHOLDS_QUERY, ONE_HOUSEHOLD_QUERY } from './gateway-vs-stitching/case-screen.ts';
import { BENCH_HOUSEHOLD_IDS } from './gateway-vs-stitching/population.ts';
import { printReport, type ScenarioResults } from './gateway-vs-stitching/report.ts';

const REPO_DIR = path.resolve(import.meta.dirname, '..');

interface Scenario {
  key: string;
  title: string;
  body: string;
  /** Requests per measurement; `quick` for a smoke run. */
  amounts: Amounts;
  quick: Amounts;
}

const WIJKCOACH = DEMO_PROFILES.wijkcoach;
const SCENARIOS: Scenario[] = [
  {
    key: 'one', title: 'one household (hh-1001, 3 people)', body: JSON.stringify({ query: ONE_HOUSEHOLD_QUERY, variables: { id: 'hh-1001' } }),
    amounts: { sequential: 300, concurrent: 1200 }, quick: { sequential: 40, concurrent: 160 },
  },
  {
    key: 'seven', title: 'seven households (the demo wijkcoach\'s, 15 people)',
    body: JSON.stringify({ query: HOUSEHOLDS_QUERY, variables: { ids: demoHouseholdsOf(WIJKCOACH.organisationId).map((household) => household.id) } }),
    amounts: { sequential: 150, concurrent: 600 }, quick: { sequential: 20, concurrent: 80 },
  },
  {
    key: '700', title: '700 people (7 generated households of 100)', body: JSON.stringify({ query: HOUSEHOLDS_QUERY, variables: { ids: BENCH_HOUSEHOLD_IDS } }),
    amounts: { sequential: 20, concurrent: 48 }, quick: { sequential: 3, concurrent: 16 },
  },
];

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

function median(values: number[]): number {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function ask(contestant: Contestant, request: ScenarioRequest): Promise<GraphQLAnswer> {
  const response = await fetch(contestant.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${request.token}` }, body: request.body });
  const answer = (await response.json()) as GraphQLAnswer;
  return response.status === 200 ? answer : { ...answer, errors: [...(answer.errors ?? []), { extensions: { code: `HTTP ${response.status}` } }] };
}

/** Problems of each contestant's answer to this scenario (the plain one on its own, the others against it). */
async function checkAnswers(contestants: Contestant[], request: ScenarioRequest): Promise<Map<string, string[]>> {
  const plain = await ask(contestants[0], request);
  const problems = new Map<string, string[]>([[contestants[0].name, plainAnswerProblems(plain)]]);
  for (const contestant of contestants.slice(1)) problems.set(contestant.name, compareWithPlain(plain, await ask(contestant, request)));
  return problems;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      baseline: { type: 'string' },
      rounds: { type: 'string', default: '3' },
      scenarios: { type: 'string', default: SCENARIOS.map((scenario) => scenario.key).join(',') },
      'partner-latency-ms': { type: 'string', default: '0' },
      quick: { type: 'boolean', default: false },
    },
  });
  const rounds = values.quick ? 1 : Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) throw new Error('--rounds must be a whole number from 1 to 20');
  const latencyMs = Number(values['partner-latency-ms']);
  if (!Number.isInteger(latencyMs) || latencyMs < 0 || latencyMs > 1000) throw new Error('--partner-latency-ms must be a whole number of milliseconds from 0 to 1000');
  const scenarioKeys = values.scenarios.split(',');
  const unknown = scenarioKeys.filter((key) => !SCENARIOS.some((scenario) => scenario.key === key));
  if (unknown.length) throw new Error(`--scenarios lists ${SCENARIOS.map((scenario) => scenario.key).join(', ')}; not ${unknown.join(', ')}`);
  const scenarios = SCENARIOS.filter((scenario) => scenarioKeys.includes(scenario.key));

  const baseline = values.baseline ? await checkOutBaseline(values.baseline, REPO_DIR, say) : undefined;
  const headCommit = execFileSync('git', ['rev-parse', '--short=10', 'HEAD'], { cwd: REPO_DIR, encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO_DIR, encoding: 'utf8' }).trim() !== '';
  const loadAtStart = os.loadavg();

  const keysDir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-bench-keys-'));
  let partners: PartnerSimulatorProcesses | undefined;
  const contestants: Contestant[] = [];
  try {
    // Made once, before any gateway starts: all of them read the same keys, none races to create them.
    await loadHubDataKey(keysDir);
    await loadHubSigningKey(keysDir);
    const issuer = await loadDemoIssuer(keysDir, DEMO_ISSUER, HUB_AUDIENCE);
    const token = await issuer.issueToken({ subject: WIJKCOACH.subject, organisationId: WIJKCOACH.organisationId, roles: ['wijkcoach'], purpose: WIJKCOACH.purpose }, 6 * 3600);

    say('starting the partner simulators');
    partners = await startPartnerSimulators(['bench/gateway-vs-stitching/partner-simulator.ts']);
    await partners.setLatency(latencyMs);
    const entries: { name: string; kind: 'plain' | 'ontschot'; cwd: string }[] = [
      { name: 'plain', kind: 'plain', cwd: REPO_DIR },
      ...(baseline ? [{ name: `ontschot@${baseline.commit.slice(0, 7)}`, kind: 'ontschot' as const, cwd: baseline.dir }] : []),
      { name: 'ontschot@HEAD', kind: 'ontschot', cwd: REPO_DIR },
    ];
    for (const entry of entries) {
      say(`starting ${entry.name}: gateway and three adapters`);
      contestants.push(await startContestant({ ...entry, partners, keysDir }));
    }

    const broken = new Map<string, string[]>();
    for (const scenario of scenarios) {
      const problems = await checkAnswers(contestants, { body: scenario.body, token });
      for (const [name, list] of problems) {
        if (list.length === 0) continue;
        broken.set(`${scenario.key}/${name}`, list);
        say(`${name} answers "${scenario.title}" wrongly, not measured there:\n  ${list.slice(0, 10).join('\n  ')}${list.length > 10 ? `\n  … ${list.length - 10} more` : ''}`);
      }
      // Warm-up: the first requests compile code paths and fill the JWKS caches.
      for (const contestant of contestants) await measure(contestant, { body: scenario.body, token }, { sequential: 3, concurrent: CONCURRENCY_WARM_UP });
    }

    const samples = new Map<string, Measurement[]>();
    for (let round = 0; round < rounds; round++) {
      for (const scenario of scenarios) {
        // Each round starts with another contestant, so none always runs on the coolest machine.
        const order = contestants.map((_, i) => contestants[(i + round) % contestants.length]);
        for (const contestant of order) {
          if (broken.has(`${scenario.key}/${contestant.name}`)) continue;
          say(`round ${round + 1}/${rounds}, ${scenario.key}: ${contestant.name}`);
          const result = await measure(contestant, { body: scenario.body, token }, values.quick ? scenario.quick : scenario.amounts);
          const key = `${scenario.key}/${contestant.name}`;
          samples.set(key, [...(samples.get(key) ?? []), result]);
        }
      }
    }

    const results: ScenarioResults[] = scenarios.map((scenario) => ({
      title: scenario.title,
      amounts: values.quick ? scenario.quick : scenario.amounts,
      rows: contestants.map((contestant) => {
        const list = samples.get(`${scenario.key}/${contestant.name}`) ?? [];
        const pick = (field: keyof Measurement) => median(list.map((m) => m[field]));
        return {
          contestant: contestant.name,
          kind: contestant.kind,
          broken: broken.has(`${scenario.key}/${contestant.name}`),
          p50Ms: pick('p50Ms'), p99Ms: pick('p99Ms'), requestsPerSecond: pick('requestsPerSecond'),
          gatewayCpuMsPerRequest: pick('gatewayCpuMsPerRequest'), gatewayCpuMsPerRequestSequential: pick('gatewayCpuMsPerRequestSequential'), adapterCpuMsPerCall: pick('adapterCpuMsPerCall'), adapterCallsPerRequest: pick('adapterCallsPerRequest'),
          postgresCpuMsPerRequest: pick('postgresCpuMsPerRequest'), machineCpuMsPerRequest: pick('machineCpuMsPerRequest'),
          failed: list.reduce((sum, m) => sum + m.failed, 0),
          rounds: list,
        };
      }),
    }));
    printReport(results, {
      command: `npm run bench:gateway -- ${process.argv.slice(2).join(' ')}`.trim(),
      head: `${headCommit}${dirty ? ' (with uncommitted changes)' : ''}`,
      baseline: baseline?.commit.slice(0, 10),
      rounds,
      partnerLatencyMs: latencyMs,
      cores: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      loadAtStart,
    });
  } finally {
    for (const contestant of contestants.reverse()) await contestant.stop().catch((error: unknown) => say(`could not stop ${contestant.name}: ${(error as Error).message}`));
    await partners?.stop();
    await rm(keysDir, { recursive: true, force: true });
  }
}

/** Enough requests at 16 to reach every code path under concurrency once before measuring. */
const CONCURRENCY_WARM_UP = 16;

main().catch((error: unknown) => {
  console.error(`bench failed: ${(error as Error).message}`);
  process.exitCode = 2;
});
