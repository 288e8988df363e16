/**
 * One gateway for bench/load.ts, in its own process so that the load generator does not share its event
 * loop: like `serve.ts gateway`, plus the bench-only switch that turns the edge's limits off.
 *
 *   tsx bench/load-gateway.ts <on|off> <separate|in-process> <partner latency ms>
 *
 * Configuration from the environment, as for serve.ts. `in-process`: the partner simulators (with the
 * given latency) and adapters run in this process too, sharing the gateway's event loop, as `npm start`.
 */
import { loadGatewayConfig } from '../src/config/env.ts';
import { startHub } from '../src/hub/start-hub.ts';

const [edgeLimits, topology, latency] = process.argv.slice(2);
const partnerLatencyMs = Number(latency);
if ((edgeLimits !== 'on' && edgeLimits !== 'off') || (topology !== 'separate' && topology !== 'in-process') || !Number.isInteger(partnerLatencyMs)) {
  throw new Error('usage: load-gateway.ts <on|off> <separate|in-process> <partner latency ms>');
}
const anyPort = { housing: 0, debt: 0, care: 0 };
const hub = await startHub({
  config: loadGatewayConfig(process.env),
  embeddedPartners: topology === 'in-process',
  partnerPorts: anyPort,
  adapterPorts: anyPort,
  seedDemoData: true,
  demoIssuer: true,
  ...(edgeLimits === 'off' ? { withoutEdgeLimitsForBenchmark: true as const } : {}),
});
for (const partner of Object.values(hub.partners)) partner.setLatency(partnerLatencyMs);
process.once('SIGTERM', () => void hub.close().then(() => process.exit(0)));
console.log(`bench gateway (edge limits ${edgeLimits}, ${topology}) listening on ${hub.gateway.url}`);
