import { Router } from 'express';
import type { ReadinessReport } from './readiness.ts';

/**
 * Probes for orchestrators, outside the edge's admission control so that they answer under load:
 * `/livez` says the process and its event loop are alive (restart it when not), `/readyz` whether it can
 * serve now (route requests elsewhere when 503). `/healthz` stays as README documents it.
 */
export function healthRoutes(readiness: () => Promise<ReadinessReport>): Router {
  const router = Router();
  router.get('/livez', (_req, res) => {
    res.set('cache-control', 'no-store').json({ status: 'alive' });
  });
  router.get('/readyz', async (_req, res) => {
    const report = await readiness();
    res.set('cache-control', 'no-store').status(report.status === 'not ready' ? 503 : 200).json(report);
  });
  return router;
}
