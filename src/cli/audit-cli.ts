/**
 * What the audit CLIs share: the hub's database (DATABASE_URL or the PGlite data folder), the running
 * hub when it holds the PGlite folder, and exit codes.
 */
import { loadGatewayConfig, type GatewayConfig } from '../config/env.ts';
import { openDatabase, type HubDatabase } from '../db/connect.ts';
import { DataFolderInUse, type FolderOwner } from '../db/data-folder-lock.ts';

/** A hub that holds the PGlite data folder and can be asked instead (see src/hub/control-server.ts). */
export type RunningHubOwner = FolderOwner & { graphqlUrl: string; controlUrl: string; controlSecret: string };

/**
 * Runs `work` on the database. On PGlite the folder has one owner: when a hub holds it, `viaHub` asks
 * that hub instead (PGlite allows one process per folder; a second opener would corrupt it); without a
 * `viaHub` the command stops with a message naming the hub. While the command holds the folder, a hub
 * that starts is refused in the same way.
 */
export async function withHubDatabase<T>(
  command: string,
  work: (database: HubDatabase, config: GatewayConfig) => Promise<T>,
  viaHub?: (hub: RunningHubOwner, config: GatewayConfig) => Promise<T>,
): Promise<T> {
  const config = loadGatewayConfig();
  let database: HubDatabase;
  try {
    database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, folderOwner: { kind: 'command', command } });
  } catch (error) {
    if (error instanceof DataFolderInUse && viaHub && isReachableHub(error.owner)) return viaHub(error.owner, config);
    throw error;
  }
  try {
    return await work(database, config);
  } finally {
    await database.close();
  }
}

function isReachableHub(owner: FolderOwner | undefined): owner is RunningHubOwner {
  return owner?.kind === 'hub' && Boolean(owner.graphqlUrl && owner.controlUrl && owner.controlSecret);
}

/** POSTs to the running hub's local control endpoint; its answer, or an error with its message. */
export async function askRunningHub<T>(hub: RunningHubOwner, route: string, body: unknown = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${hub.controlUrl}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${hub.controlSecret}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    });
  } catch {
    throw new Error(`the running hub (pid ${hub.pid}) holds the data folder but did not answer at its control endpoint`);
  }
  const answer = (await response.json().catch(() => ({}))) as T & { message?: string };
  if (!response.ok) throw new Error(`the running hub (pid ${hub.pid}) refused: ${answer.message ?? `HTTP ${response.status}`}`);
  return answer;
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
