import pg from 'pg';
import { logger } from '../../observability/logger.ts';
import { withinTimeBudget } from './partner-failure.ts';
import { ReplayGuardUnavailable, type ReplayGuard } from './replay-guard.ts';

/**
 * A replay guard shared by the replicas of one adapter, in the partner's own PostgreSQL: the first
 * replica to insert a token id wins (`INSERT ... ON CONFLICT DO NOTHING` on the primary key), every
 * other insert of that id (another replica, or the same one later) is a replay. Expired ids are deleted
 * in small batches on a timer, so the table holds about the tokens of the last two minutes.
 * An unreachable or slow database refuses the request within `timeBudgetMs` (fail closed).
 */

export interface PostgresReplayGuardOptions {
  connectionString: string;
  /** Table name (created if missing); one table may serve several adapters: token ids are unique. */
  table?: string;
  /** A check that takes longer is refused. Default 500 ms. */
  timeBudgetMs?: number;
  /** How often expired ids are deleted. Default 30 s. */
  sweepEveryMs?: number;
}

export const DEFAULT_REPLAY_GUARD_TABLE = 'ontschot_replay_guard';
const DEFAULT_TIME_BUDGET_MS = 500;
const SWEEP_BATCH = 1000;
/** Rows are kept this long past their time, so a database clock ahead of the adapter's deletes nothing early. */
const CLOCK_MARGIN = "interval '1 minute'";

export class PostgresReplayGuard implements ReplayGuard {
  private readonly pool: pg.Pool;
  private readonly table: string;
  private readonly timeBudgetMs: number;
  private readonly sweeper: NodeJS.Timeout;
  private ready: Promise<void> | undefined;
  private closed = false;
  private readonly log = logger.child({ component: 'postgres-replay-guard' });

  constructor(options: PostgresReplayGuardOptions) {
    this.table = options.table ?? DEFAULT_REPLAY_GUARD_TABLE;
    // The name goes into SQL text: only a plain lower-case identifier.
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(this.table)) throw new Error('Replay guard table name must be a lower-case SQL identifier');
    this.timeBudgetMs = options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS;
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: 4,
      connectionTimeoutMillis: this.timeBudgetMs,
      query_timeout: this.timeBudgetMs,
      idleTimeoutMillis: 30_000,
    });
    // An idle connection that breaks must not crash the adapter; the next check reconnects or refuses.
    this.pool.on('error', (error) => this.log.warn({ errorName: error.name }, 'replay guard connection lost'));
    this.sweeper = setInterval(() => void this.deleteExpired(), options.sweepEveryMs ?? 30_000).unref();
  }

  async firstUse(jti: string, rememberUntilMs: number): Promise<boolean> {
    if (this.closed) throw new ReplayGuardUnavailable('closed');
    try {
      return await withinTimeBudget(this.timeBudgetMs, async () => {
        await this.ensureTable();
        const inserted = await this.pool.query(
          `INSERT INTO ${this.table} (jti, remember_until) VALUES ($1, to_timestamp($2::double precision / 1000)) ON CONFLICT (jti) DO NOTHING`,
          [jti, rememberUntilMs],
        );
        return inserted.rowCount === 1;
      });
    } catch (error) {
      this.log.warn({ errorName: error instanceof Error ? error.name : typeof error }, 'replay guard database unavailable');
      throw new ReplayGuardUnavailable('unreachable');
    }
  }

  /** Deletes expired ids, a batch at a time (short transactions; replicas sweeping at once skip each other's rows). */
  async deleteExpired(): Promise<number> {
    let deleted = 0;
    try {
      await this.ensureTable();
      for (;;) {
        const result = await this.pool.query(
          `DELETE FROM ${this.table} WHERE jti IN (SELECT jti FROM ${this.table} WHERE remember_until < now() - ${CLOCK_MARGIN} LIMIT ${SWEEP_BATCH} FOR UPDATE SKIP LOCKED)`,
        );
        deleted += result.rowCount ?? 0;
        if ((result.rowCount ?? 0) < SWEEP_BATCH || this.closed) return deleted;
      }
    } catch (error) {
      if (!this.closed) this.log.warn({ errorName: error instanceof Error ? error.name : typeof error }, 'replay guard sweep failed');
      return deleted;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    await this.pool.end();
  }

  /** Creates the table once per guard; replicas starting together are serialised by an advisory lock. */
  private ensureTable(): Promise<void> {
    this.ready ??= this.createTable().catch((error: unknown) => {
      this.ready = undefined; // try again on the next check
      throw error;
    });
    return this.ready;
  }

  private async createTable(): Promise<void> {
    const client = await this.pool.connect();
    let failure: Error | undefined;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [this.table]);
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.table} (jti text PRIMARY KEY, remember_until timestamptz NOT NULL)`);
      await client.query(`CREATE INDEX IF NOT EXISTS ${this.table}_remember_until ON ${this.table} (remember_until)`);
      await client.query('COMMIT');
    } catch (error) {
      failure = error instanceof Error ? error : new Error('create table failed');
      throw error;
    } finally {
      // A connection left inside a failed transaction is not given back to the pool.
      client.release(failure);
    }
  }
}
