/**
 * One owner per PGlite data folder. PGlite is single-process: a second process that opens the same
 * folder works on a stale copy of the database and, when it closes, writes its own checkpoint over the
 * first one's (lost consents and access records, or a folder that no longer opens). So whoever opens
 * `<dataDir>/pgdata` first holds a lock until it closes; everyone else is refused with the owner's name.
 *
 * The lock is `proper-lockfile` (an atomic mkdir of `pgdata.lock`, whose mtime the owner refreshes every
 * second). Next to it `pgdata.owner.json` (mode 0600) names the owner: pid, the process's start time,
 * the command, and for a hub its URLs and the secret of its local control endpoint.
 *
 * A lock left by a process that is gone (kill -9, a crash) does not block the next start: when its owner
 * is gone, the next opener waits until the lock's mtime is older than STALE_MS and takes it over. "Gone"
 * is decided by pid *and* process start time (/proc/<pid>/stat), so a pid reused by another process does
 * not keep a dead owner alive; and the take-over itself is still decided by mtime, which a live owner
 * keeps fresh, so a live owner is never robbed.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';

/** A lock whose mtime is older than this is stale (its owner stopped refreshing it). */
export const STALE_MS = 5_000;
const UPDATE_MS = 1_000;

export type OwnerKind = 'hub' | 'command';

export interface FolderOwner {
  pid: number;
  /** Start time of the process in clock ticks since boot (Linux); tells a reused pid apart. */
  startTicks?: number;
  kind: OwnerKind;
  /** What runs, e.g. `serve all` or `audit:verify`. */
  command: string;
  startedAt: string;
  /** A hub: its GraphQL endpoint, once listening. */
  graphqlUrl?: string;
  /** A hub: its local control endpoint (loopback) for the privacy officer's commands, once listening. */
  controlUrl?: string;
  /** A hub: the bearer secret of the control endpoint; readable only by the folder's owner (mode 0600). */
  controlSecret?: string;
  /** A hub: whether it serves the demo issuer (then a command may ask for a demo privacy-officer token). */
  demoIssuer?: boolean;
}

export interface DataFolderLock {
  /** Adds what a hub tells other processes once it listens (URLs, control secret). */
  announce(details: Pick<FolderOwner, 'graphqlUrl' | 'controlUrl' | 'controlSecret' | 'demoIssuer'>): Promise<void>;
  release(): Promise<void>;
}

/** The folder is held by a live process: carries the owner so callers can name it or talk to it. */
export class DataFolderInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: FolderOwner | undefined,
  ) {
    super(describeOwner(dataDir, owner));
    this.name = 'DataFolderInUse';
  }
}

function describeOwner(dataDir: string, owner: FolderOwner | undefined): string {
  if (!owner) return `The data folder ${dataDir} is in use by another process that is starting up; try again in a few seconds.`;
  const what = owner.kind === 'hub' ? `a running hub (${owner.command}, pid ${owner.pid}${owner.graphqlUrl ? `, ${owner.graphqlUrl}` : ''})` : `${owner.command} (pid ${owner.pid})`;
  return `The data folder ${dataDir} is in use by ${what}, since ${owner.startedAt}. PGlite allows one process per data folder: stop it first, or use another ONTSCHOT_DATA_DIR.`;
}

export function lockPaths(dataDir: string) {
  const pgdata = path.resolve(dataDir, 'pgdata');
  return { pgdata, lock: `${pgdata}.lock`, owner: `${pgdata}.owner.json` };
}

/**
 * Takes the folder's lock or throws `DataFolderInUse`. A live owner is refused at once; a lock whose owner
 * is gone is taken over after it went stale (at most STALE_MS plus a little).
 * `onCompromised` is called if another process took the lock away (it never does from a live owner).
 */
export async function lockDataFolder(
  dataDir: string,
  who: { kind: OwnerKind; command: string },
  onCompromised: (error: Error) => void = (error) => {
    throw error;
  },
): Promise<DataFolderLock> {
  const paths = lockPaths(dataDir);
  const options = { lockfilePath: paths.lock, realpath: false, stale: STALE_MS, update: UPDATE_MS, onCompromised };
  // proper-lockfile takes over any lock whose mtime is stale; a live owner whose event loop was busy
  // for a while must keep its lock, so the owner is asked first.
  const held = await stat(paths.lock).catch(() => undefined);
  if (held) {
    const owner = await readOwnerFile(paths.owner);
    const fresh = held.mtimeMs > Date.now() - STALE_MS;
    if (owner ? isAlive(owner) : fresh) throw new DataFolderInUse(dataDir, owner);
  }
  let releaseLock: () => Promise<void>;
  try {
    // An owner that is gone: its lock goes stale within STALE_MS, then proper-lockfile removes and takes it.
    releaseLock = await lockfile.lock(paths.pgdata, { ...options, retries: { retries: Math.ceil((STALE_MS * 2) / 250), minTimeout: 250, maxTimeout: 250, factor: 1 } });
  } catch (error) {
    if ((error as { code?: string }).code !== 'ELOCKED') throw error;
    throw new DataFolderInUse(dataDir, await readOwnerFile(paths.owner));
  }

  let owner: FolderOwner = { pid: process.pid, startTicks: processStartTicks(process.pid), ...who, startedAt: new Date().toISOString() };
  await writeOwnerFile(paths.owner, owner);
  let released = false;
  return {
    async announce(details) {
      owner = { ...owner, ...details };
      await writeOwnerFile(paths.owner, owner);
    },
    async release() {
      if (released) return;
      released = true;
      await rm(paths.owner, { force: true });
      await releaseLock().catch(() => undefined);
    },
  };
}

/** The folder's live owner, or undefined when nobody holds it (or only a process that is gone). */
export async function liveFolderOwner(dataDir: string): Promise<FolderOwner | undefined> {
  const paths = lockPaths(dataDir);
  if (!(await lockfile.check(paths.pgdata, { lockfilePath: paths.lock, realpath: false, stale: STALE_MS }))) return undefined;
  const owner = await readOwnerFile(paths.owner);
  return owner && isAlive(owner) ? owner : undefined;
}

async function readOwnerFile(file: string): Promise<FolderOwner | undefined> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as FolderOwner;
    return Number.isInteger(value?.pid) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Written to a temporary file and renamed, so a reader never sees half a file. */
async function writeOwnerFile(file: string, owner: FolderOwner): Promise<void> {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, `${JSON.stringify(owner, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, file);
}

/** Alive means: a process with this pid exists and, where the OS tells, it started when the owner did. */
export function isAlive(owner: Pick<FolderOwner, 'pid' | 'startTicks'>): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    if ((error as { code?: string }).code !== 'EPERM') return false;
  }
  if (owner.startTicks === undefined) return true;
  const ticks = processStartTicks(owner.pid);
  return ticks === undefined || ticks === owner.startTicks;
}

/** Field 22 of /proc/<pid>/stat; undefined where there is no /proc (then the pid alone decides). */
export function processStartTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}
