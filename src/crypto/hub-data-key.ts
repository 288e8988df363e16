import { generateMasterKey } from './subject-protection.ts';
import { readOrCreateKeyFile } from './key-files.ts';

/**
 * The master key that protects BSNs at rest. Production: HUB_DATA_KEY (32 bytes, base64). Embedded
 * default: a DEMO key generated on first start and kept in the data folder.
 */
export async function loadHubDataKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<Buffer> {
  const fromEnv = env.HUB_DATA_KEY;
  const encoded = fromEnv ?? (await readOrCreateKeyFile(dataDir, 'demo-hub-data-key.base64', () => generateMasterKey().toString('base64')));
  const key = Buffer.from(encoded.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${fromEnv ? 'HUB_DATA_KEY' : 'The demo hub data key'} must be 32 bytes, base64-encoded`);
  return key;
}
