/**
 * Clean stop on SIGTERM or SIGINT for every `serve` component (the whole hub, the gateway, an adapter, a
 * partner simulator): stop accepting, let the requests in flight finish (up to SHUTDOWN_GRACE_MS, see
 * src/net/http-server.ts), close the database, log one line, exit 0. `close-with-grace` owns the signal
 * handling: a second signal, or a stop that overruns the hard deadline, exits 1 at once.
 */
import closeWithGrace from 'close-with-grace';
import { logger } from '../observability/logger.ts';
import { shutdownGrace } from '../net/http-server.ts';

/** Closing the database and flushing after the last request: what the hard deadline adds to the grace. */
const AFTER_GRACE_MS = 5_000;

export function stopGracefullyOnSignal(component: string, close: () => Promise<void>): void {
  const log = logger.child({ component: 'lifecycle' });
  closeWithGrace(
    {
      delay: shutdownGrace() + AFTER_GRACE_MS,
      logger: false,
      // Errors are not a stop request: let them surface as they did before.
      skip: ['uncaughtException', 'unhandledRejection', 'beforeExit'],
      onSecondSignal: (signal) => log.error({ signal, stopped: component }, 'second signal: exiting at once'),
      onTimeout: (delay) => log.error({ stopped: component, deadlineMs: delay }, 'stop overran its deadline: exiting at once'),
    },
    async ({ signal }) => {
      const started = performance.now();
      await close();
      log.info({ signal, stopped: component, ms: Math.round(performance.now() - started) }, 'stopped cleanly');
    },
  );
}
