import DataLoader from 'dataloader';
import type { PrismaClient } from '../db/generated/client.ts';
import type { ConsentRecord } from './consent-record.ts';

/**
 * Consent records per data subject (keyed by the subject's look-up key), read once per request for all
 * people in it: one database round trip. A new loader per request means a withdrawal made a moment ago
 * is seen by the very next request.
 *
 * Records handed to it ready-made (`prime`: the standing statement brings a household's consents along,
 * src/involvement/standing-loader.ts) it also keeps as they are, for `primed`: a decision can take them
 * at once instead of waiting for the promise `load` always answers with (a promise would put the
 * person's pruning, and so that adapter's call, a tick behind the others).
 */
export class ConsentLoader extends DataLoader<string, ConsentRecord[]> {
  private readonly ready = new Map<string, ConsentRecord[] | Error>();
  /** DataLoader's own cache, given to it: tells whether a key is already loaded or primed. */
  private readonly cache: Map<string, Promise<ConsentRecord[]>>;

  constructor(prisma: PrismaClient) {
    const cache = new Map<string, Promise<ConsentRecord[]>>();
    super(async (subjectKeys) => {
      const rows = await prisma.consent.findMany({ where: { subjectKey: { in: [...subjectKeys] } } });
      return subjectKeys.map((key) => rows.filter((row) => row.subjectKey === key));
    }, { cacheMap: cache });
    this.cache = cache;
  }

  /** As DataLoader: a key already loaded or primed keeps its value (and `primed` says nothing new of it). */
  override prime(key: string, value: ConsentRecord[] | Error | PromiseLike<ConsentRecord[]>): this {
    const fresh = !this.cache.has(key);
    super.prime(key, value);
    if (fresh && (Array.isArray(value) || value instanceof Error)) this.ready.set(key, value);
    return this;
  }

  override clear(key: string): this {
    this.ready.delete(key);
    return super.clear(key);
  }

  override clearAll(): this {
    this.ready.clear();
    return super.clearAll();
  }

  /** The records primed for this key, or the Error primed when they could not be read; undefined when none were primed. */
  primed(key: string): ConsentRecord[] | Error | undefined {
    return this.ready.get(key);
  }
}

export function createConsentLoader(prisma: PrismaClient): ConsentLoader {
  return new ConsentLoader(prisma);
}
