/**
 * The plain stitching peer in its own process, configured from the environment as `src/cli/serve.ts
 * gateway` (PORT, HOST, DATABASE_URL, ONTSCHOT_DATA_DIR, *_ADAPTER_URL).
 *
 *   tsx bench/plain-stitching/serve.ts
 */
import { loadGatewayConfig } from '../../src/config/env.ts';
import { stopGracefullyOnSignal } from '../../src/hub/graceful-stop.ts';
import { startPlainGateway } from './plain-gateway.ts';

const gateway = await startPlainGateway(loadGatewayConfig(process.env));
stopGracefullyOnSignal('plain gateway', () => gateway.close());
console.log(`plain stitching gateway listening on ${gateway.url}`);
