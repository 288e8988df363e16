/**
 * One partner simulator in its own process, as `src/cli/serve.ts partner <domain>`, but knowing the
 * bench's generated population (bench/gateway-vs-stitching/population.ts) besides the demo one, with the
 * simulators' default page size, as in docker-compose.yml.
 *
 *   tsx bench/gateway-vs-stitching/partner-simulator.ts <housing|debt|care>   (PORT, HOST, DEBT_PARTNER_API_KEY)
 */
import { DEMO_HOUSEHOLDS } from '../../src/demo/population.ts';
import { DOMAINS, type Domain } from '../../src/domain/partner-domains.ts';
import { startHousingSimulator } from '../../src/partners/housing/simulator.ts';
import { startDebtSimulator } from '../../src/partners/debt/simulator.ts';
import { startGgzFhirSimulator } from '../../src/partners/ggz/simulator.ts';
import { stopGracefullyOnSignal } from '../../src/hub/graceful-stop.ts';
import { BENCH_POPULATION } from './population.ts';

const domain = process.argv[2] as Domain;
if (!(DOMAINS as readonly string[]).includes(domain)) throw new Error(`usage: partner-simulator.ts <${DOMAINS.join('|')}>`);
const start = { housing: startHousingSimulator, debt: startDebtSimulator, care: startGgzFhirSimulator }[domain];
const partner = await start({
  host: process.env.HOST ?? '127.0.0.1',
  port: Number(process.env.PORT ?? 0),
  households: [...DEMO_HOUSEHOLDS, ...BENCH_POPULATION.households],
  apiKey: process.env.DEBT_PARTNER_API_KEY,
});
stopGracefullyOnSignal(`partner ${domain}`, () => partner.close());
console.log(`partner simulator ${domain} listening on ${partner.url}`);
