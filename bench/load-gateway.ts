/**
 * One gateway for bench/load.ts, in its own process so that the load generator does not share its event
 * loop: like `serve.ts gateway`, plus the bench-only switch that turns the edge's limits off.
 *
 *   tsx bench/load-gateway.ts on|off     (configuration from the environment, as for serve.ts)
 */
import { loadGatewayConfig } from '../src/config/env.ts';
import { startHub } from '../src/hub/start-hub.ts';

const edgeLimits = process.argv[2];
if (edgeLimits !== 'on' && edgeLimits !== 'off') throw new Error('usage: load-gateway.ts on|off');
const config = loadGatewayConfig(process.env);
const hub = await startHub({
  config,
  embeddedPartners: false,
  seedDemoData: true,
  demoIssuer: true,
  ...(edgeLimits === 'off' ? { withoutEdgeLimitsForBenchmark: true as const } : {}),
});
process.once('SIGTERM', () => void hub.close().then(() => process.exit(0)));
console.log(`bench gateway (edge limits ${edgeLimits}) listening on ${hub.gateway.url}`);
