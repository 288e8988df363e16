/**
 * Runs `serve` components and CLIs as real processes, as an operator does, with real signals. Every
 * process started here is killed (SIGKILL) by `killAll()` and every folder from `tempDir()` removed by
 * `removeTempDirs()`: call both from afterEach/afterAll, so nothing outlives a failing test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface RunningProcess {
  child: ChildProcess;
  pid: number;
  output: { stdout: string; stderr: string };
  /** Resolves when the process has exited, with its exit code (null when a signal ended it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
}

const processes: ChildProcess[] = [];
const folders: string[] = [];

/** A generous bound for a start-up on a busy machine; `waitForHealthy` polls well within it. */
export const START_BOUND_MS = 180_000;

export async function tempDir(prefix = 'ontschot-lifecycle-'): Promise<string> {
  const folder = await mkdtemp(path.join(os.tmpdir(), prefix));
  folders.push(folder);
  return folder;
}

export async function removeTempDirs(): Promise<void> {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
}

/** Kills what is still running (tests that pass have stopped their processes already). */
export async function killAll(): Promise<void> {
  const running = processes.splice(0).filter((child) => child.exitCode === null && child.signalCode === null);
  await Promise.all(
    running.map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/** `command args…` with the test's environment; LOG_LEVEL info so shutdown lines can be checked. */
export function runProcess(command: string, args: string[], env: Record<string, string>, options: { detached?: boolean } = {}): RunningProcess {
  const child = spawn(command, args, {
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'info', VITEST: '', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached,
  });
  processes.push(child);
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk) => (output.stdout += chunk));
  child.stderr!.on('data', (chunk) => (output.stderr += chunk));
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    }),
  );
  return { child, pid: child.pid!, output, exited, hasExited: () => done };
}

/** `node --import tsx <script> …`, as the npm scripts run them. */
export function runTsx(script: string, args: string[], env: Record<string, string>): RunningProcess {
  return runProcess(process.execPath, ['--import', 'tsx', script, ...args], env);
}

/** A CLI to its end: exit code and output. */
export async function runToEnd(script: string, args: string[], env: Record<string, string>) {
  const run = runTsx(script, args, { LOG_LEVEL: 'silent', ...env });
  const { code } = await run.exited;
  return { code, ...run.output };
}

/**
 * Waits until the component answers GET /healthz (or `path`) with 200: its base URL is taken from what it printed
 * (the hub's "ready" line, or a component's "listening on" line), then /healthz is polled. Fails at once
 * when the process exits, and only after `boundMs` on a machine that is merely slow.
 */
export async function waitForHealthy(run: RunningProcess, options: { path?: string; boundMs?: number } = {}): Promise<string> {
  const { path: healthPath = '/healthz', boundMs = START_BOUND_MS } = options;
  const started = Date.now();
  while (Date.now() - started < boundMs) {
    if (run.hasExited()) throw new Error(`the process exited before it was healthy:\n${run.output.stdout}\n${run.output.stderr}`);
    const base = baseUrlOf(run.output.stdout);
    if (base) {
      const healthy = await fetch(`${base}${healthPath}`, { signal: AbortSignal.timeout(5_000) }).then((response) => response.status === 200, () => false);
      if (healthy) return base;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`not healthy within ${boundMs} ms:\n${run.output.stdout}\n${run.output.stderr}`);
}

function baseUrlOf(stdout: string): string | undefined {
  const match = /(?:ready: |listening on )(http:\/\/[\d.:[\]a-z]+)/.exec(stdout);
  return match?.[1];
}

/** Whether a process with this pid still exists. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The JSON log lines a process wrote to stderr. */
export function logLines(run: RunningProcess): Record<string, unknown>[] {
  return run.output.stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return {};
      }
    });
}
