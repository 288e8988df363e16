import { createHmac, randomBytes } from 'node:crypto';
import { readOrCreateKeyFile } from '../../crypto/key-files.ts';

/**
 * The adapter's key for pseudonymising data subjects in its processing log: the same BSN gives the same
 * id (so a resident's processing can be looked up with the key), and the log alone reveals no BSN.
 * Production: ADAPTER_LOG_KEY (32 bytes, base64). Embedded default: a DEMO key in the data folder.
 */
export async function loadAdapterLogKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<Buffer> {
  const fromEnv = env.ADAPTER_LOG_KEY;
  const encoded = fromEnv || (await readOrCreateKeyFile(dataDir, 'adapter-log-key.DEMO.base64', () => randomBytes(32).toString('base64')));
  const key = Buffer.from(encoded.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${fromEnv ? 'ADAPTER_LOG_KEY' : 'The demo adapter log key'} must be 32 bytes, base64-encoded`);
  return key;
}

/** HMAC-SHA256 of the BSN under the log key, hex. */
export function dataSubjectId(logKey: Buffer, bsn: string): string {
  return createHmac('sha256', logKey).update(bsn, 'utf8').digest('hex');
}
