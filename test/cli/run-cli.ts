import { execFile } from 'node:child_process';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end as a user would (a child process), with its exit code and output. */
export function runCommand(command: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: { ...process.env, VITEST: '', NODE_ENV: 'production', LOG_LEVEL: 'silent', ...options.env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
  });
}

/** `tsx <script> ...args`, as the npm scripts run the CLIs. */
export function runTsx(script: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  return runCommand(process.execPath, ['--import', 'tsx', script, ...args], options);
}
