/**
 * Opens the hub's database: PostgreSQL when a URL is given, otherwise PGlite in-process (the embedded
 * default, so `npm start` needs no installed database). Pending migrations are applied on open.
 */
import { rm, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import pg from 'pg';
import { PrismaClient } from './generated/client.ts';
import { applyMigrations, type SqlRunner } from './migrate.ts';
import { pgliteRunner, pgRunner } from './runners.ts';
import { lockDataFolder, type DataFolderLock, type OwnerKind } from './data-folder-lock.ts';

export const IN_MEMORY = 'memory://';

export interface OpenDatabaseOptions {
  /** `postgres://…`: use PostgreSQL. Absent: use PGlite. */
  databaseUrl?: string;
  /** PGlite only: data is kept in `<dataDir>/pgdata`; `memory://` for a throw-away in-memory database. */
  dataDir?: string;
  /**
   * PGlite only: delete `<dataDir>/pgdata` before opening. Ignored for PostgreSQL on purpose: the hub
   * never drops a database it was pointed at (tests create and drop their own, see test/support).
   */
  fresh?: boolean;
  /** Defaults to the repository's `prisma/migrations`. */
  migrationsDir?: string;
  /** PGlite only: who holds the data folder's lock, as others are told (default: a command). */
  folderOwner?: { kind: OwnerKind; command: string };
  /** PGlite only: another process took the folder's lock away (see data-folder-lock.ts). */
  onLockCompromised?: (error: Error) => void;
  /** PostgreSQL only: bounds on every pooled connection (the hub sets them; CLIs may run long scans). */
  timeouts?: DatabaseTimeouts;
}

/**
 * Time limits for the pool, so a locked table (VACUUM FULL, ALTER TABLE) or a database that stops
 * answering fails a request in time instead of stalling it: the access-log write then fails closed with
 * AUDIT_UNAVAILABLE, a consent read with CONSENT_UNAVAILABLE, anything else with DATABASE_UNAVAILABLE.
 */
export interface DatabaseTimeouts {
  /** Server side: any statement running longer is cancelled (`statement_timeout`). */
  statementMs: number;
  /** Server side: waiting longer for a lock cancels the statement (`lock_timeout`). */
  lockMs: number;
  /** Opening a connection, or waiting for a free one in the pool. */
  connectMs: number;
}

export interface HubDatabase {
  prisma: PrismaClient;
  kind: 'postgres' | 'pglite';
  /**
   * Raw SQL outside Prisma. On PostgreSQL it is backed by the pool: each call may use another
   * connection, so use `prisma.$transaction` for anything that must share a transaction.
   */
  runner: SqlRunner;
  /** Applied by this open (empty when the database was up to date). */
  migrationsApplied: string[];
  /** PGlite on a folder: the lock this process holds on it until close(). */
  folderLock?: DataFolderLock;
  close(): Promise<void>;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<HubDatabase> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.migrationsDir, options.timeouts) : openPGlite(options);
}

function poolTimeouts(timeouts: DatabaseTimeouts): pg.PoolConfig {
  return {
    statement_timeout: timeouts.statementMs,
    lock_timeout: timeouts.lockMs,
    // Client side as well: a server that stops answering (a cut network) never cancels anything itself.
    query_timeout: timeouts.statementMs + 1_000,
    connectionTimeoutMillis: timeouts.connectMs,
  };
}

/** A Prisma client on a driver adapter. */
function createClient(adapter: NonNullable<ConstructorParameters<typeof PrismaClient>[0]['adapter']>): PrismaClient {
  return new PrismaClient({ adapter });
}

async function openPostgres(databaseUrl: string, migrationsDir?: string, timeouts?: DatabaseTimeouts): Promise<HubDatabase> {
  const pool = new pg.Pool({ connectionString: databaseUrl, ...(timeouts ? poolTimeouts(timeouts) : {}) });
  try {
    // Migrations need one session (BEGIN/COMMIT, advisory lock) and may run long (an index on a big
    // table): their own connection, without the request-time limits of the pool.
    const client = new pg.Client({ connectionString: databaseUrl, ...(timeouts ? { connectionTimeoutMillis: timeouts.connectMs } : {}) });
    let applied: string[];
    try {
      await client.connect();
      ({ applied } = await applyMigrations(pgRunner(client), migrationsDir));
    } finally {
      await client.end().catch(() => undefined);
    }
    // We own the pool: PrismaPg leaves an external pool open on $disconnect (disposeExternalPool: false).
    const prisma = createClient(new PrismaPg(pool));
    return {
      prisma,
      kind: 'postgres',
      runner: pgRunner(pool),
      migrationsApplied: applied,
      async close() {
        await prisma.$disconnect();
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}

async function openPGlite(options: OpenDatabaseOptions): Promise<HubDatabase> {
  const { dataDir } = options;
  if (!dataDir) throw new Error('openDatabase needs either databaseUrl (PostgreSQL) or dataDir (PGlite, or "memory://")');

  let location: string = IN_MEMORY;
  let folderLock: DataFolderLock | undefined;
  if (dataDir !== IN_MEMORY) {
    location = path.resolve(dataDir, 'pgdata');
    await mkdir(path.resolve(dataDir), { recursive: true });
    // Before anything touches pgdata (also --fresh): a second opener would corrupt it.
    folderLock = await lockDataFolder(dataDir, options.folderOwner ?? { kind: 'command', command: path.basename(process.argv[1] ?? 'node') }, options.onLockCompromised);
    if (options.fresh) await rm(location, { recursive: true, force: true });
    await mkdir(location, { recursive: true });
  }

  let db: PGlite | undefined;
  try {
    db = await PGlite.create(location);
    const runner = pgliteRunner(db);
    const { applied } = await applyMigrations(runner, options.migrationsDir);
    const prisma = createClient(new PrismaPGlite(db));
    const opened = db;
    return {
      prisma,
      kind: 'pglite',
      runner,
      migrationsApplied: applied,
      folderLock,
      async close() {
        try {
          await prisma.$disconnect();
          // The PGlite adapter's dispose() does not close the database; without this the data files stay locked.
          await opened.close();
        } finally {
          await folderLock?.release();
        }
      },
    };
  } catch (error) {
    await db?.close().catch(() => undefined);
    await folderLock?.release();
    throw error;
  }
}
