import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Reads a key file from the data folder, or creates it with `create()` the first time. Used only for the
 * embedded default's DEMO keys; production keys come from the environment. Written with mode 0600 and
 * flag 'wx' so that two processes starting at once cannot overwrite each other's key.
 */
export async function readOrCreateKeyFile(dataDir: string, fileName: string, create: () => string | Promise<string>): Promise<string> {
  const file = path.join(dataDir, fileName);
  try {
    return await readFile(file, 'utf8');
  } catch {
    await mkdir(dataDir, { recursive: true });
    try {
      await writeFile(file, await create(), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return readFile(file, 'utf8');
  }
}
