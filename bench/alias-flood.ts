/**
 * The flood testers found: ten parallel queries of 1,000 `household` aliases from one token. Two hubs,
 * each in its own process (embedded partners and adapters, PostgreSQL), one with the edge's limits off
 * (the bench-only switch withoutEdgeLimitsForBenchmark) and one with them on, flooded one after the
 * other in the same run. Printed side by side: time until all ten are answered, /healthz latency
 * meanwhile (p50 and max, polled every 50 ms), and the hub process's peak RSS.
 *
 *   npm run bench:alias-flood [-- --aliases 1000 --parallel 10 --timeout-s 180]
 *
 * Uses throw-away databases on ONTSCHOT_TEST_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createBenchDatabase } from './bench-database.ts';
import { loadGatewayConfig } from '../src/config/env.ts';
import { startHub } from '../src/hub/start-hub.ts';
import { DEMO_PROFILES } from '../src/cli/demo-tokens.ts';

type Mode = 'limits-off' | 'limits-on';

/** Child: one hub on its own database, prints "<graphql url> <token>" and waits to be stopped. */
async function serve(mode: Mode, databaseUrl: string, dataDir: string): Promise<void> {
  const zero = { housing: 0, debt: 0, care: 0 };
  const hub = await startHub({
    config: loadGatewayConfig({ PORT: '0', ONTSCHOT_DATA_DIR: dataDir, DATABASE_URL: databaseUrl }),
    embeddedPartners: true,
    partnerPorts: zero,
    adapterPorts: zero,
    seedDemoData: true,
    demoIssuer: true,
    ...(mode === 'limits-off' ? { withoutEdgeLimitsForBenchmark: true as const } : {}),
  });
  const profile = DEMO_PROFILES.wijkcoach;
  const token = await hub.demoIssuer!.issueToken({ subject: profile.subject, organisationId: profile.organisationId, roles: ['wijkcoach'], purpose: profile.purpose }, 3600);
  process.stdout.write(`READY ${hub.gateway.graphqlUrl} ${token}\n`);
  process.on('SIGTERM', () => void hub.close().finally(() => process.exit(0)));
}

function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface FloodResult { mode: Mode; answeredMs: number; statuses: string; healthP50: number; healthMax: number; healthPolls: number; rssBefore: number; rssPeak: number }

async function flood(mode: Mode, aliases: number, parallel: number, timeoutMs: number): Promise<FloodResult> {
  const database = await createBenchDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ontschot-bench-'));
  let child: ChildProcess | undefined;
  try {
    child = spawn(process.execPath, ['--import', 'tsx', 'bench/alias-flood.ts', '--child', mode, '--database-url', database.url, '--data-dir', dataDir], {
      env: { ...process.env, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [graphqlUrl, token] = await new Promise<string[]>((resolve, reject) => {
      let out = '';
      child!.stdout!.on('data', (chunk) => {
        out += chunk;
        const line = /READY (\S+) (\S+)/.exec(out);
        if (line) resolve([line[1], line[2]]);
      });
      child!.on('exit', (code) => reject(new Error(`hub (${mode}) exited with ${code}`)));
    });
    const healthUrl = graphqlUrl.replace(/\/graphql$/, '/healthz');
    const pid = child.pid!;
    const query = `{ ${Array.from({ length: aliases }, (_, i) => `h${i}: household(id: "hh-100${(i % 7) + 1}") { id members { givenName housing { rentArrearsMonths } } }`).join(' ')} }`;
    // One small query first: the JWKS fetch and Apollo's first request are not what is measured.
    await fetch(graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: '{ household(id: "hh-1001") { id } }' }) });
    // Under the gateway's 100 kB body limit, as the testers' flood was: otherwise it measures the 413.
    if (Buffer.byteLength(JSON.stringify({ query })) > 100 * 1024) throw new Error(`${aliases} aliases do not fit in the 100 kB body limit`);
    const rssBefore = rssMiB(pid);

    let flooding = true;
    let rssPeak = rssBefore;
    const health: number[] = [];
    const monitor = (async () => {
      while (flooding) {
        rssPeak = Math.max(rssPeak, rssMiB(pid));
        const started = performance.now();
        try {
          await fetch(healthUrl, { signal: AbortSignal.timeout(timeoutMs) });
          health.push(performance.now() - started);
        } catch {
          health.push(performance.now() - started);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    const started = performance.now();
    const statuses = await Promise.all(Array.from({ length: parallel }, async () => {
      try {
        const response = await fetch(graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
        return `${response.status}${body.errors?.[0]?.extensions?.code ? ` ${body.errors[0].extensions.code}` : ''}`;
      } catch (error) {
        return (error as Error).name === 'TimeoutError' ? 'timeout' : 'failed';
      }
    }));
    const answeredMs = performance.now() - started;
    flooding = false;
    await monitor;
    rssPeak = Math.max(rssPeak, rssMiB(pid));
    const counted = [...new Set(statuses)].map((status) => `${statuses.filter((s) => s === status).length}x ${status}`).join(', ');
    return { mode, answeredMs, statuses: counted, healthP50: percentile(health, 50), healthMax: Math.max(...health), healthPolls: health.length, rssBefore, rssPeak };
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.on('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await rm(dataDir, { recursive: true, force: true });
    await database.drop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' }, 'database-url': { type: 'string' }, 'data-dir': { type: 'string' },
      aliases: { type: 'string', default: '1000' }, parallel: { type: 'string', default: '10' }, 'timeout-s': { type: 'string', default: '180' },
    },
  });
  if (values.child) return serve(values.child as Mode, values['database-url']!, values['data-dir']!);
  const aliases = Number(values.aliases);
  const parallel = Number(values.parallel);
  const timeoutMs = Number(values['timeout-s']) * 1000;
  if (![aliases, parallel, timeoutMs].every((n) => Number.isInteger(n) && n > 0)) throw new Error('--aliases, --parallel and --timeout-s must be whole numbers above 0');

  // Limits on first: the cheap case cannot leave load behind for the other.
  const results = [await flood('limits-on', aliases, parallel, timeoutMs), await flood('limits-off', aliases, parallel, timeoutMs)];
  console.log(`\n${parallel} parallel queries of ${aliases} household aliases, one token; hub (gateway with embedded partners and adapters) in its own process, PostgreSQL`);
  console.log(`                 all answered    /healthz p50   /healthz max   polls   RSS before   RSS peak   answers`);
  for (const r of results.reverse()) {
    console.log(`  ${r.mode.padEnd(12)} ${r.answeredMs.toFixed(0).padStart(10)} ms ${r.healthP50.toFixed(1).padStart(11)} ms ${r.healthMax.toFixed(1).padStart(11)} ms ${String(r.healthPolls).padStart(7)} ${r.rssBefore.toFixed(0).padStart(8)} MiB ${r.rssPeak.toFixed(0).padStart(6)} MiB   ${r.statuses}`);
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${(error as Error).message}`);
  process.exitCode = 2;
});
