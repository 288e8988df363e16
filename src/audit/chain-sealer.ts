import type { ApolloServerPlugin } from '@apollo/server';
import type { HubSigningKey } from '../auth/hub-signing-key.ts';
import type { PrismaClient } from '../db/generated/client.ts';
import { logger } from '../observability/logger.ts';
import type { AuditChain, ChainHead } from './audit-chain.ts';
import { appendSealLine, signSeal } from './chain-seal.ts';

export interface SealerOptions {
  /** How often to seal the head when it moved; 0: only at shutdown. */
  intervalMs: number;
  /** The append-only seal file outside the database; each seal is also logged. */
  file?: string;
}

/**
 * Seals the heads of a gateway's access-log chains: at an interval (when the head moved) and at
 * shutdown. A seal is stored in the database (`audit_seal`), appended to the seal file and logged, so
 * that someone who controls the database cannot delete the newest records and their seals unnoticed.
 */
export class ChainSealer {
  private readonly sealed = new Map<string, number>();
  /** Heads not yet stored anywhere (both the database and the file failed): tried again next time. */
  private pending: ChainHead[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> = Promise.resolve(0);

  constructor(
    private readonly chain: AuditChain,
    private readonly hubKey: HubSigningKey,
    private readonly prisma: PrismaClient,
    private readonly options: SealerOptions,
  ) {}

  start(): void {
    if (this.options.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.sealNow(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Stops the interval and seals what the chain holds once every append under way has ended. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.chain.settled();
    await this.sealNow();
  }

  /** Seals every head that moved since its last seal; returns how many seals were stored. Never throws. */
  sealNow(): Promise<number> {
    // One run at a time, so two runs never sign the same head twice.
    this.running = this.running.then(() => this.sealHeads());
    return this.running;
  }

  private async sealHeads(): Promise<number> {
    const heads = [...this.pending, ...this.chain.takeRetiredHeads(), this.chain.currentHead()];
    this.pending = [];
    let stored = 0;
    for (const head of heads) {
      if (head.seq === 0 || (this.sealed.get(head.chainId) ?? 0) >= head.seq) continue;
      if (await this.seal(head)) {
        this.sealed.set(head.chainId, head.seq);
        stored++;
      } else {
        this.pending.push(head);
      }
    }
    return stored;
  }

  private async seal(head: ChainHead): Promise<boolean> {
    const claims = { ...head, sealedAt: new Date().toISOString() };
    let signed: string;
    try {
      signed = await signSeal(this.hubKey, claims);
    } catch (error) {
      logger.error({ chainId: head.chainId, errorName: (error as Error)?.name }, 'access-log seal could not be signed');
      return false;
    }
    // The log stream is the third copy; the seal names no person, only a chain position and a hash.
    logger.info({ chainId: head.chainId, seq: head.seq, hash: head.hash, seal: signed }, 'access-log chain sealed');
    const inDatabase = await this.prisma.auditSeal
      .create({ data: { chainId: head.chainId, seq: head.seq, signed } })
      .then(() => true, (error: unknown) => (logger.error({ chainId: head.chainId, errorName: (error as Error)?.name }, 'access-log seal not stored in the database'), false));
    const inFile = this.options.file
      ? await appendSealLine(this.options.file, claims, signed).then(() => true, (error: unknown) => (logger.error({ chainId: head.chainId, errorName: (error as Error)?.name }, 'access-log seal not written to the seal file'), false))
      : false;
    return inDatabase || inFile;
  }
}

/** Starts the sealer with the gateway and seals once more when the gateway stops (hub.close(), SIGTERM). */
export function chainSealPlugin(sealer: ChainSealer): ApolloServerPlugin {
  return {
    async serverWillStart() {
      sealer.start();
      return {
        async serverWillStop() {
          await sealer.stop();
        },
      };
    },
  };
}
