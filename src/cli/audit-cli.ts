/** What the audit CLIs share: the hub's database (DATABASE_URL or the PGlite data folder) and exit codes. */
import { loadGatewayConfig, type GatewayConfig } from '../config/env.ts';
import { openDatabase, type HubDatabase } from '../db/connect.ts';

export async function withHubDatabase<T>(work: (database: HubDatabase, config: GatewayConfig) => Promise<T>): Promise<T> {
  const config = loadGatewayConfig();
  // PGlite allows one process per data folder: stop `npm start` before running these on the embedded default.
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    return await work(database, config);
  } finally {
    await database.close();
  }
}

/** Runs a CLI: its result is the exit code; an error is one line on stderr (no stack trace) and exit 2. */
export function runCli(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`error: ${(error as Error)?.message ?? String(error)}`);
      process.exitCode = 2;
    },
  );
}
