/**
 * Removes access records older than the retention period (AUDIT_RETENTION_DAYS, default 1825 days) and
 * leaves signed checkpoints, so `audit:verify` still verifies what remains: `npm run audit:purge`.
 * Run it as the database owner: the hub's runtime role may not delete from the access log. On the
 * embedded default while the hub runs, the running hub purges (it holds the data folder).
 */
import { loadHubSigningKey } from '../auth/hub-signing-key.ts';
import { auditRetentionDaysFromEnv } from '../config/env.ts';
import { purgeExpiredRecords, retentionCutoff, type PurgeResult } from '../audit/audit-purge.ts';
import { askRunningHub, runCli, withHubDatabase } from './audit-cli.ts';

runCli(async () => {
  // Checked before anything is opened: a bad value changes nothing.
  const days = auditRetentionDaysFromEnv();
  return withHubDatabase(
    'audit:purge',
    async (database, config) => {
      const cutoff = retentionCutoff(days);
      const hubKey = await loadHubSigningKey(config.dataDir);
      return print(await purgeExpiredRecords(database.prisma, hubKey, cutoff), cutoff.toISOString(), days);
    },
    async (hub) => {
      console.log(`The hub (pid ${hub.pid}) holds the data folder: it purged its own access log.`);
      const result = await askRunningHub<PurgeResult & { cutoff: string }>(hub, '/audit/purge', { retentionDays: days });
      return print(result, result.cutoff, days);
    },
  );
});

function print(result: PurgeResult, cutoff: string, days: number): number {
  console.log(`Purged ${result.purged} access record(s) that ended before ${cutoff} (retention ${days} days); ${result.checkpoints} signed checkpoint(s) written.`);
  return 0;
}
