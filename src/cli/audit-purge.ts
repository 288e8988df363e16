/**
 * Removes access records older than the retention period (AUDIT_RETENTION_DAYS, default 1825 days) and
 * leaves signed checkpoints, so `audit:verify` still verifies what remains: `npm run audit:purge`.
 * Run it as the database owner: the hub's runtime role may not delete from the access log.
 */
import { loadHubSigningKey } from '../auth/hub-signing-key.ts';
import { integerFromEnv } from '../config/env.ts';
import { purgeExpiredRecords, retentionCutoff } from '../audit/audit-purge.ts';
import { runCli, withHubDatabase } from './audit-cli.ts';

const DEFAULT_RETENTION_DAYS = 1825;

runCli(() =>
  withHubDatabase(async (database, config) => {
    const days = integerFromEnv(process.env, 'AUDIT_RETENTION_DAYS', DEFAULT_RETENTION_DAYS);
    const cutoff = retentionCutoff(days);
    const hubKey = await loadHubSigningKey(config.dataDir);
    const result = await purgeExpiredRecords(database.prisma, hubKey, cutoff);
    console.log(`Purged ${result.purged} access record(s) that ended before ${cutoff.toISOString()} (retention ${days} days); ${result.checkpoints} signed checkpoint(s) written.`);
    return 0;
  }),
);
