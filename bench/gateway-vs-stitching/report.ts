import { CONCURRENCY, type Amounts, type Measurement } from './measure.ts';

/** Medians over rounds of one contestant in one scenario; `failed` summed over the rounds. */
export interface ResultRow extends Measurement {
  contestant: string;
  kind: 'plain' | 'ontschot';
  /** Answered the scenario wrongly: not measured. */
  broken: boolean;
  /** Each round's measurement, in round order (for the ratios per round, paired with plain's of the same round). */
  rounds: readonly Measurement[];
}

export interface ScenarioResults {
  title: string;
  amounts: Amounts;
  /** plain first, then the baseline (if any), then HEAD. */
  rows: ResultRow[];
}

export interface RunFacts {
  command: string;
  head: string;
  baseline?: string;
  rounds: number;
  partnerLatencyMs: number;
  cores: number;
  cpuModel: string;
  node: string;
  loadAtStart: number[];
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const ratio = (value: number, base: number | undefined) => (base !== undefined && Number.isFinite(value) && Number.isFinite(base) && base > 0 ? `${(value / base).toFixed(2)}×` : '–');

/** The Markdown the lead pastes into the issue: facts, medians, ratios, and the issue's goals for HEAD. */
export function printReport(results: ScenarioResults[], facts: RunFacts): void {
  const lines: string[] = [];
  lines.push(`\`${facts.command}\``, '');
  lines.push(
    `HEAD ${facts.head}${facts.baseline ? `, baseline ${facts.baseline}` : ''}; ${facts.cores} cores (${facts.cpuModel}), Node ${facts.node}; load average at start ${facts.loadAtStart.map((n) => n.toFixed(2)).join(' ')}; ` +
      `partner latency ${facts.partnerLatencyMs} ms; medians of ${facts.rounds} interleaved round${facts.rounds === 1 ? '' : 's'}; ` +
      'partner simulators (shared) and each contestant\'s gateway and three adapters in separate processes (NODE_ENV=production, as in the image), PostgreSQL, loopback.',
    '',
  );
  lines.push(`| scenario | contestant | p50 c=1 ms | p99 c=1 ms | req/s c=${CONCURRENCY} | gateway CPU ms/req | gateway CPU ms/req c=1 | adapter CPU ms/call | adapter calls/req | PostgreSQL CPU ms/req | machine CPU ms/req | failed |`);
  lines.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const scenario of results) {
    for (const row of scenario.rows) {
      const cells = row.broken
        ? ['wrong answer', '', '', '', '', '', '', '', '']
        : [fixed(row.p50Ms, 1), fixed(row.p99Ms, 1), fixed(row.requestsPerSecond, 1), fixed(row.gatewayCpuMsPerRequest, 2), fixed(row.gatewayCpuMsPerRequestSequential, 2), fixed(row.adapterCpuMsPerCall, 2), fixed(row.adapterCallsPerRequest, 1), fixed(row.postgresCpuMsPerRequest, 1), fixed(row.machineCpuMsPerRequest, 1)];
      lines.push(`| ${scenario.title} | ${row.contestant} | ${cells.join(' | ')} | ${row.broken ? '' : row.failed} |`);
    }
  }
  lines.push('');
  const hasBaseline = results.some((scenario) => scenario.rows.length > 2);
  lines.push(`| scenario | contestant | p50 ÷ plain | p99 ÷ plain | req/s ÷ plain | gateway CPU ÷ plain | gateway CPU c=1 ÷ plain | adapter CPU/call ÷ plain | PostgreSQL CPU ÷ plain | machine CPU ÷ plain${hasBaseline ? ' | adapter CPU/call ÷ baseline' : ''} |`);
  lines.push(`| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---:${hasBaseline ? ' | ---:' : ''} |`);
  for (const scenario of results) {
    const plain = usable(scenario.rows[0]);
    const baseline = scenario.rows.length > 2 ? usable(scenario.rows[1]) : undefined;
    for (const row of scenario.rows.slice(1)) {
      if (row.broken) continue;
      const cells = [ratio(row.p50Ms, plain?.p50Ms), ratio(row.p99Ms, plain?.p99Ms), ratio(row.requestsPerSecond, plain?.requestsPerSecond), ratio(row.gatewayCpuMsPerRequest, plain?.gatewayCpuMsPerRequest), ratio(row.gatewayCpuMsPerRequestSequential, plain?.gatewayCpuMsPerRequestSequential), ratio(row.adapterCpuMsPerCall, plain?.adapterCpuMsPerCall), ratio(row.postgresCpuMsPerRequest, plain?.postgresCpuMsPerRequest), ratio(row.machineCpuMsPerRequest, plain?.machineCpuMsPerRequest)];
      if (hasBaseline) cells.push(row === scenario.rows[1] ? '' : ratio(row.adapterCpuMsPerCall, baseline?.adapterCpuMsPerCall));
      lines.push(`| ${scenario.title} | ${row.contestant} | ${cells.join(' | ')} |`);
    }
  }
  lines.push('', ...goals(results, facts), '');
  lines.push(`Requests per measurement: ${results.map((s) => `${s.title}: ${s.amounts.sequential} at c=1, ${s.amounts.concurrent} at c=${CONCURRENCY}`).join('; ')}.`);
  lines.push(
    'Each goal\'s figure is the ratio of the medians; "per round" gives the same ratio within each round (each pair measured one after the other) and in how many rounds it met the goal. ' +
      'CPU from /proc/<pid>/stat (utime+stime) around the requests at c=16 (the goal\'s figure), and for the gateway also around those at c=1, where less of it is contention for the cores; the adapters run the same code for every contestant, so their CPU per call ÷ plain shows how far the c=16 figures drift by noise alone. PostgreSQL CPU: all processes named postgres, around the requests at c=16; machine CPU: the busy time of all cores from /proc/stat around the same requests (every process, the load generator and the kernel included), which is what bounds throughput on two cores. An adapter call is one HTTP request to an adapter (executor batching puts all of a ' +
      'request\'s merges for one adapter into one), counted in the adapters\' processing logs. "failed": answers that were not HTTP 200 or carried an error ' +
      'other than a policy decision, over all rounds.',
  );
  console.log(lines.join('\n'));
}

function usable(row: ResultRow | undefined): ResultRow | undefined {
  return row && !row.broken ? row : undefined;
}

/** The goals of issue 13, for ontschot@HEAD (the last row). */
function goals(results: ScenarioResults[], facts: RunFacts): string[] {
  const lines = ['Goals of issue 13 for ontschot@HEAD:'];
  const check = (label: string, value: number, perRound: readonly number[], limit: number, atMost: boolean) => {
    if (!Number.isFinite(value)) return lines.push(`- ${label}: not measured`);
    const meets = (ratio: number) => (atMost ? ratio <= limit : ratio >= limit);
    // The same ratio per round (HEAD and its reference measured minutes apart): how far one run can be trusted.
    const rounds = perRound.length > 1
      ? `; per round ${Math.min(...perRound).toFixed(2)}–${Math.max(...perRound).toFixed(2)}×, met in ${perRound.filter(meets).length} of ${perRound.length}`
      : '';
    return lines.push(`- ${label}: ${value.toFixed(2)}× (${atMost ? '≤' : '≥'} ${limit}×) ${meets(value) ? 'met' : 'NOT met'}${rounds}`);
  };
  for (const scenario of results) {
    const plain = usable(scenario.rows[0]);
    const head = usable(scenario.rows[scenario.rows.length - 1]);
    const baseline = scenario.rows.length > 2 ? usable(scenario.rows[1]) : undefined;
    const of = (pick: (row: Measurement) => number, base?: ResultRow) => (head && base ? pick(head) / pick(base) : Number.NaN);
    const ofRounds = (pick: (row: Measurement) => number, base?: ResultRow) => (head && base ? ratiosPerRound(head, base, pick) : []);
    const goal = (label: string, pick: (row: Measurement) => number, base: ResultRow | undefined, limit: number, atMost: boolean) =>
      check(label, of(pick, base), ofRounds(pick, base), limit, atMost);
    const is700 = scenario.title.startsWith('700');
    if (!is700) goal(`${scenario.title}, gateway CPU per request ÷ plain`, (r) => r.gatewayCpuMsPerRequest, plain, 1.2, true);
    goal(`${scenario.title}, requests/s at ${CONCURRENCY} ÷ plain`, (r) => r.requestsPerSecond, plain, 0.9, false);
    if (facts.partnerLatencyMs === 0 && !is700) goal(`${scenario.title}, p50 at c=1 ÷ plain`, (r) => r.p50Ms, plain, 1.1, true);
    if (is700) goal(`${scenario.title}, time per query (p50 at c=1) ÷ plain`, (r) => r.p50Ms, plain, 1.3, true);
    if (baseline) goal(`${scenario.title}, adapter CPU per call ÷ baseline`, (r) => r.adapterCpuMsPerCall, baseline, 0.5, true);
  }
  return lines;
}

/** A measurement of `row` ÷ the same of `base` in each round both were measured in (the ratio of the medians is the goal's figure). */
export function ratiosPerRound(row: ResultRow, base: ResultRow, pick: (measurement: Measurement) => number): number[] {
  const count = Math.min(row.rounds.length, base.rounds.length);
  const ratios: number[] = [];
  for (let round = 0; round < count; round++) {
    const ratio = pick(row.rounds[round]) / pick(base.rounds[round]);
    if (Number.isFinite(ratio)) ratios.push(ratio);
  }
  return ratios;
}
