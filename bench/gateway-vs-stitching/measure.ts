import autocannon from 'autocannon';
import { cpuMs, machineCpuMs, postgresCpuBetween, postgresCpuByPid, totalCpuMs } from './process-cpu.ts';
import type { Contestant } from './contestants.ts';

/** One scenario's request: the same body for every contestant. */
export interface ScenarioRequest {
  body: string;
  token: string;
}

/** What one contestant did in one scenario in one round. */
export interface Measurement {
  p50Ms: number;
  p99Ms: number;
  requestsPerSecond: number;
  gatewayCpuMsPerRequest: number;
  /**
   * The same at concurrency 1: one request in flight, the other processes mostly idle, so less of the
   * figure comes from contention for the two cores; a steadier second reading of the same cost.
   */
  gatewayCpuMsPerRequestSequential: number;
  adapterCpuMsPerCall: number;
  adapterCallsPerRequest: number;
  /** PostgreSQL's CPU per request at 16 (all its processes: the contestants share one server, each measured around its own run). */
  postgresCpuMsPerRequest: number;
  /** The whole machine's busy CPU per request at 16: throughput on two cores is bounded by this sum, not by the gateway's share alone. */
  machineCpuMsPerRequest: number;
  /** Answers that were not a complete case screen: not HTTP 200, or an error other than a policy decision. */
  failed: number;
}

export interface Amounts {
  /** Requests one after the other (concurrency 1), for latency. */
  sequential: number;
  /** Requests 16 at a time, for throughput and CPU per request. */
  concurrent: number;
}

export const CONCURRENCY = 16;

/** Codes that make an answer incomplete (a cheap check on the raw body, so the load generator stays light). */
const FAILURE_MARKERS = ['"SOURCE_UNAVAILABLE"', '"INTERNAL_SERVER_ERROR"', '"OVERLOADED"', '"AUDIT_UNAVAILABLE"', '"DATABASE_UNAVAILABLE"', '"UNAUTHENTICATED"'];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Runs `amount` requests with `connections` in flight (autocannon, one request per connection at a time)
 * and times each from send to answer in this process (fractional milliseconds: autocannon's own
 * histogram counts whole ones). The run lasts until the last answer arrived: autocannon itself resolves
 * only on its next one-second tick, which rounded every run's duration up to whole seconds (1,200
 * requests in 8.0 or 9.0 s: req/s could only be 150 or 133).
 */
async function run(url: string, request: ScenarioRequest, connections: number, amount: number): Promise<{ latencies: number[]; failed: number; elapsedMs: number }> {
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  let lastAnswerAt = started;
  const result = await autocannon({
    url,
    connections,
    amount,
    timeout: 120,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${request.token}` },
    body: request.body,
    requests: [
      {
        setupRequest: (req: autocannon.Request, context: object) => {
          (context as { sentAt: number }).sentAt = performance.now();
          return req;
        },
        onResponse: (status: number, body: string, context: object) => {
          lastAnswerAt = performance.now();
          latencies.push(lastAnswerAt - (context as { sentAt: number }).sentAt);
          if (status !== 200 || FAILURE_MARKERS.some((marker) => body.includes(marker))) failed++;
        },
      },
    ],
  });
  // No answer at all (every request errored or timed out): the run's own length, not zero.
  const elapsedMs = latencies.length > 0 ? lastAnswerAt - started : performance.now() - started;
  return { latencies, failed: failed + result.errors + result.timeouts, elapsedMs };
}

/** Latency and gateway CPU at concurrency 1, then throughput and CPU (gateway, adapters) around a fixed count at 16. */
export async function measure(contestant: Contestant, request: ScenarioRequest, amounts: Amounts): Promise<Measurement> {
  const gatewayBeforeSequential = cpuMs(contestant.gatewayPid);
  const sequential = await run(contestant.graphqlUrl, request, 1, amounts.sequential);
  const gatewayCpuSequential = cpuMs(contestant.gatewayPid) - gatewayBeforeSequential;
  const sorted = [...sequential.latencies].sort((a, b) => a - b);

  const callsBefore = await contestant.adapterCalls.count();
  const gatewayBefore = cpuMs(contestant.gatewayPid);
  const adaptersBefore = totalCpuMs(contestant.adapterPids);
  const postgresBefore = postgresCpuByPid();
  const machineBefore = machineCpuMs();
  const concurrent = await run(contestant.graphqlUrl, request, CONCURRENCY, amounts.concurrent);
  const gatewayCpu = cpuMs(contestant.gatewayPid) - gatewayBefore;
  const adapterCpu = totalCpuMs(contestant.adapterPids) - adaptersBefore;
  const machineCpu = machineCpuMs() - machineBefore;
  const postgresCpu = postgresCpuBetween(postgresBefore, postgresCpuByPid());
  const calls = (await contestant.adapterCalls.count()) - callsBefore;

  return {
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    requestsPerSecond: amounts.concurrent / (concurrent.elapsedMs / 1000),
    gatewayCpuMsPerRequest: gatewayCpu / amounts.concurrent,
    gatewayCpuMsPerRequestSequential: gatewayCpuSequential / amounts.sequential,
    adapterCpuMsPerCall: calls > 0 ? adapterCpu / calls : Number.NaN,
    adapterCallsPerRequest: calls / amounts.concurrent,
    postgresCpuMsPerRequest: postgresCpu / amounts.concurrent,
    machineCpuMsPerRequest: machineCpu / amounts.concurrent,
    failed: sequential.failed + concurrent.failed,
  };
}
