/**
 * Verifies the access log's hash chains: `npm run audit:verify [-- --seals <file>] [--hub-jwks <file>]`.
 * Exit 0 when intact, 1 when a record was altered, deleted or reordered, the newest records of a chain
 * were deleted (it ends before its sealed head), or a checkpoint or seal is not genuine; 2 when it could
 * not check.
 *
 * Seals come from the database and from the seal file (`--seals`, default AUDIT_SEAL_FILE when it
 * exists). Signatures are checked with the hub's public key: `--hub-jwks` (a JWKS file, e.g. saved from
 * /.well-known/hub-jwks.json), else the public half of HUB_SIGNING_KEY / the data folder's key.
 * On the embedded default while the hub runs, the running hub verifies (it holds the data folder), with
 * the seal file's lines sent along and its own public key.
 */
import { access, readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { JWK } from 'jose';
import { loadHubSigningKey } from '../auth/hub-signing-key.ts';
import { verifyAuditChain, type VerifyResult } from '../audit/chain-verifier.ts';
import { readSealFile } from '../audit/chain-seal.ts';
import type { GatewayConfig } from '../config/env.ts';
import { askRunningHub, runCli, withHubDatabase } from './audit-cli.ts';

runCli(async () => {
  const { values } = parseArgs({ options: { seals: { type: 'string' }, 'hub-jwks': { type: 'string' } } });
  const sealsOf = async (config: GatewayConfig) => {
    const file = await sealFileOf(values.seals, config);
    return { file, seals: file ? await readSealFile(file) : [] };
  };
  return withHubDatabase(
    'audit:verify',
    async (database, config) => {
      const hubJwks = values['hub-jwks'] ? await readJwks(values['hub-jwks']) : (await loadHubSigningKey(config.dataDir)).jwks;
      const { file, seals } = await sealsOf(config);
      return print(await verifyAuditChain(database.prisma, hubJwks, { externalSeals: seals }), file, seals.length);
    },
    async (hub, config) => {
      console.log(`The hub (pid ${hub.pid}) holds the data folder: it verified its own access log with its own public key.`);
      const { file, seals } = await sealsOf(config);
      return print(await askRunningHub<VerifyResult>(hub, '/audit/verify', { externalSeals: seals }), file, seals.length);
    },
  );
});

function print(result: VerifyResult, sealFile: string | undefined, sealLines: number): number {
  if (!result.intact) {
    console.log(`TAMPERED (${result.kind}): ${result.message}`);
    console.log(`${result.checked} record(s) checked before the first problem.`);
    return 1;
  }
  console.log(`Access log intact: ${result.checked} record(s) checked in ${result.chains} chain(s).`);
  console.log(sealFile ? `Seals: from the database and ${sealFile} (${sealLines} line(s)).` : 'Seals: from the database only (no seal file found; pass --seals <file>).');
  if (result.unchained > 0) console.log(`${result.unchained} record(s) from before the hash chain cannot be verified.`);
  for (const head of result.heads) {
    console.log(`  chain ${head.chainId}: head ${head.seq} ${head.hash}${head.sealedSeq === null ? ' (never sealed)' : `, sealed up to ${head.sealedSeq}`}`);
  }
  return 0;
}

/** The seal file named with --seals (it must exist), else the configured one if it exists. */
async function sealFileOf(named: string | undefined, config: GatewayConfig): Promise<string | undefined> {
  if (named) {
    await access(named).catch(() => {
      throw new Error(`--seals: cannot read ${named}`);
    });
    return named;
  }
  return access(config.auditSeal.file).then(() => config.auditSeal.file, () => undefined);
}

async function readJwks(file: string): Promise<{ keys: JWK[] }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    throw new Error(`--hub-jwks: ${file} is not a readable JSON Web Key Set`);
  }
  const keys = (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new Error(`--hub-jwks: ${file} has no keys`);
  if (keys.some((key) => typeof key !== 'object' || key === null || 'd' in key)) throw new Error(`--hub-jwks: ${file} must hold public keys only`);
  return { keys: keys as JWK[] };
}
