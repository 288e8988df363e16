import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface BaselineCheckout {
  /** Full commit id. */
  commit: string;
  /** A git worktree of that commit, with its own node_modules. */
  dir: string;
}

const READY_MARK = '.bench-baseline-ready';

/**
 * The `--baseline <rev>` contestant's code: that commit checked out as a detached `git worktree` under
 * <os.tmpdir()>/ontschot-bench-baseline/<commit>, with its own `npm ci`. Kept between runs (keyed by the
 * commit): the second run with the same baseline starts at once. Remove it with
 * `git worktree remove --force <dir>`; `git worktree prune` forgets one whose folder was deleted.
 */
export async function checkOutBaseline(revision: string, repoDir: string, say: (line: string) => void): Promise<BaselineCheckout> {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repoDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  let commit: string;
  try {
    commit = git('rev-parse', '--verify', `${revision}^{commit}`);
  } catch {
    throw new Error(`--baseline ${revision} is not a commit of this repository`);
  }
  const dir = path.join(os.tmpdir(), 'ontschot-bench-baseline', commit);
  if (existsSync(path.join(dir, READY_MARK))) return { commit, dir };

  say(`checking out ${commit.slice(0, 10)} into ${dir} and running npm ci there (once per commit)`);
  await mkdir(path.dirname(dir), { recursive: true });
  git('worktree', 'prune');
  if (existsSync(dir)) git('worktree', 'remove', '--force', dir); // an earlier, unfinished set-up
  git('worktree', 'add', '--detach', dir, commit);
  try {
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (error) {
    throw new Error(`npm ci failed in ${dir}: ${String((error as { stderr?: string }).stderr ?? '').slice(-500)}`);
  }
  writeFileSync(path.join(dir, READY_MARK), `${new Date().toISOString()}\n`);
  return { commit, dir };
}
