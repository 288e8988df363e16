/**
 * Verifies the access log's hash chains: `npm run audit:verify`. Exit 0 when intact, 1 when a record was
 * altered, deleted or reordered (or a purge checkpoint is not genuine), 2 when it could not check.
 * On the embedded default while the hub runs, the running hub verifies (it holds the data folder).
 */
import { loadHubSigningKey } from '../auth/hub-signing-key.ts';
import { verifyAuditChain, type VerifyResult } from '../audit/chain-verifier.ts';
import { askRunningHub, runCli, withHubDatabase } from './audit-cli.ts';

runCli(() =>
  withHubDatabase(
    'audit:verify',
    async (database, config) => {
      const hubKey = await loadHubSigningKey(config.dataDir);
      return print(await verifyAuditChain(database.prisma, hubKey.jwks));
    },
    async (hub) => {
      console.log(`The hub (pid ${hub.pid}) holds the data folder: it verified its own access log.`);
      return print(await askRunningHub<VerifyResult>(hub, '/audit/verify'));
    },
  ),
);

function print(result: VerifyResult): number {
  if (!result.intact) {
    console.log(`TAMPERED (${result.kind}): ${result.message}`);
    console.log(`${result.checked} record(s) checked before the first problem.`);
    return 1;
  }
  console.log(`Access log intact: ${result.checked} record(s) checked in ${result.chains} chain(s).`);
  if (result.unchained > 0) console.log(`${result.unchained} record(s) from before the hash chain cannot be verified.`);
  for (const head of result.heads) console.log(`  chain ${head.chainId}: head ${head.seq} ${head.hash}`);
  return 0;
}
