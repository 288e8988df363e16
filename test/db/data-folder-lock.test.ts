import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connect.ts';
import { DataFolderInUse, lockDataFolder, lockPaths, processStartTicks, STALE_MS } from '../../src/db/data-folder-lock.ts';
import { killAll, removeTempDirs, runTsx, tempDir } from '../hub/hub-process.ts';

/** The data folder lock on its own: a live owner is never robbed, a dead one (kill -9) never blocks. */
afterEach(killAll);
afterAll(removeTempDirs);

const command = { kind: 'command' as const, command: 'data-folder-lock.test' };

/** A lock left behind as by a process that died: lock folder, owner file, and how old the lock is. */
async function leftBehindLock(dataDir: string, owner: { pid: number; startTicks?: number }, ageMs: number): Promise<void> {
  const paths = lockPaths(dataDir);
  await mkdir(paths.lock, { recursive: true });
  const when = new Date(Date.now() - ageMs);
  await utimes(paths.lock, when, when);
  await writeFile(paths.owner, JSON.stringify({ ...owner, kind: 'hub', command: 'serve all', startedAt: when.toISOString() }));
}

describe('PGlite data folder: one owner', () => {
  it('a second open of the same folder is refused, naming the owner; the first keeps working; after close it opens', async () => {
    const dataDir = await tempDir();
    const first = await openDatabase({ dataDir, folderOwner: command });
    try {
      const refused = await openDatabase({ dataDir }).then(() => undefined, (error: unknown) => error);
      expect(refused).toBeInstanceOf(DataFolderInUse);
      expect((refused as DataFolderInUse).owner).toMatchObject({ pid: process.pid, command: 'data-folder-lock.test' });
      expect((refused as Error).message).toContain(`data-folder-lock.test (pid ${process.pid})`);
      expect(await first.runner.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await first.close();
    }
    const again = await openDatabase({ dataDir });
    await again.close();
  });

  it('a folder held by another process refuses at once; after that process is killed with -9 it opens within the stale time', async () => {
    const dataDir = await tempDir();
    const holder = runTsx('test/db/fixtures/hold-data-folder.ts', [dataDir], { LOG_LEVEL: 'silent' });
    const started = Date.now();
    while (!holder.output.stdout.includes('holding')) {
      if (holder.hasExited() || Date.now() - started > 120_000) throw new Error(`the holder did not start: ${holder.output.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const refusedAt = Date.now();
    const refused = await lockDataFolder(dataDir, command).then(() => undefined, (error: unknown) => error);
    expect(refused).toBeInstanceOf(DataFolderInUse);
    expect((refused as DataFolderInUse).owner).toMatchObject({ pid: holder.pid, command: 'hold-data-folder' });
    // A live owner is refused without waiting for staleness.
    expect(Date.now() - refusedAt).toBeLessThan(STALE_MS);

    holder.child.kill('SIGKILL');
    await holder.exited;
    const takeOverAt = Date.now();
    const database = await openDatabase({ dataDir });
    expect(Date.now() - takeOverAt).toBeLessThan(STALE_MS * 2 + 5_000);
    expect(await database.runner.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await database.close();
  });

  it('a reused pid does not keep a dead owner alive: another process with that pid but another start time is not the owner', async () => {
    const dataDir = await tempDir();
    const ticks = processStartTicks(process.pid);
    expect(ticks, 'this test needs /proc').toBeDefined();
    // This very process has the pid now, but started at another moment than the recorded owner.
    await leftBehindLock(dataDir, { pid: process.pid, startTicks: ticks! - 1 }, STALE_MS + 1_000);
    const lock = await lockDataFolder(dataDir, command);
    await lock.release();
  });

  it('a live owner is never robbed, not even when its lock looks stale (a busy event loop)', async () => {
    const dataDir = await tempDir();
    await leftBehindLock(dataDir, { pid: process.pid, startTicks: processStartTicks(process.pid) }, STALE_MS * 3);
    await expect(lockDataFolder(dataDir, command)).rejects.toBeInstanceOf(DataFolderInUse);
  });

  it('a lock without an owner file (an owner that is just starting) is refused, not taken', async () => {
    const dataDir = await tempDir();
    await mkdir(lockPaths(dataDir).lock, { recursive: true });
    const refused = await lockDataFolder(dataDir, command).then(() => undefined, (error: unknown) => error);
    expect(refused).toBeInstanceOf(DataFolderInUse);
    expect((refused as Error).message).toContain('starting up');
  });

  it('release removes lock and owner file, so the folder is free again', async () => {
    const dataDir = await tempDir();
    const lock = await lockDataFolder(dataDir, command);
    await lock.release();
    const next = await lockDataFolder(dataDir, command);
    await next.release();
  });
});
