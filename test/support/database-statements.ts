import pg from 'pg';

/**
 * Every statement this process sends to PostgreSQL through node-postgres, as the driver gets it: Prisma's
 * (its driver adapter is node-postgres) and the hub's own raw SQL on the pool (the standing, the access
 * log) alike, in the order they are sent. For tests that count what a request costs the database.
 */
export function recordStatements(): { statements: string[]; stop(): void } {
  const statements: string[] = [];
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const [config] = args as [string | { text?: string } | undefined];
    const text = typeof config === 'string' ? config : config?.text;
    if (text !== undefined) statements.push(text);
    return (original as (...args: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  return {
    statements,
    stop() {
      pg.Client.prototype.query = original;
    },
  };
}

/** The statements that read the hub's case registration, consents and involvement: not the access log's writes, nor transaction control. */
export function readsOf(statements: readonly string[]): string[] {
  return statements.filter((sql) => /^\s*SELECT\b/i.test(sql) && !/"audit_/i.test(sql));
}
