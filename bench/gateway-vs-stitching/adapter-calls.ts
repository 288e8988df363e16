import { readdir, open } from 'node:fs/promises';
import path from 'node:path';

/**
 * Counts the calls a contestant's adapters processed, from their processing logs (Logboek
 * Dataverwerkingen, src/adapters/sdk/processing-log.ts: one JSON line per data subject per call, all
 * lines of a call under the call's own span id, appended before the adapter answers). Reads only what
 * was appended since the last count.
 */
export class AdapterCallCounter {
  private readonly offsets = new Map<string, number>();
  private calls = 0;

  /** `ldvDir`: the adapters' <ONTSCHOT_DATA_DIR>/ldv folder. */
  constructor(private readonly ldvDir: string) {}

  /** Calls logged so far (in all adapters of this contestant). */
  async count(): Promise<number> {
    let files: string[];
    try {
      files = (await readdir(this.ldvDir)).filter((name) => name.endsWith('.jsonl'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    for (const name of files) {
      const file = path.join(this.ldvDir, name);
      const handle = await open(file, 'r');
      try {
        const from = this.offsets.get(file) ?? 0;
        const { size } = await handle.stat();
        const buffer = Buffer.alloc(size - from);
        await handle.read(buffer, 0, buffer.length, from);
        // Only whole lines: a call being appended right now is counted next time.
        const text = buffer.toString('utf8');
        const complete = text.slice(0, text.lastIndexOf('\n') + 1);
        this.offsets.set(file, from + Buffer.byteLength(complete));
        const spans = new Set<string>();
        for (const line of complete.split('\n')) if (line) spans.add((JSON.parse(line) as { span_id: string }).span_id);
        this.calls += spans.size;
      } finally {
        await handle.close();
      }
    }
    return this.calls;
  }
}
