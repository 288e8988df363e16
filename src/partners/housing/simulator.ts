import { DEMO_HOUSEHOLDS, type EvictionStage, type HousingFacts } from '../../demo/population.ts';
import { indexPeople, parseBsnSearchBody, selectKnown } from '../bsn-search.ts';
import { jsonResponse, startSimulator, type PartnerSimulatorOptions, type RunningSimulator } from '../simulator-server.ts';

/**
 * The housing corporation's tenant API (Dutch field names, as the corporation's own system has them).
 * Route: POST /api/v1/huurders/zoeken with {"bsns": [...]} → {"huurders": [...]}.
 */

export type UitzettingsFase = 'geen' | 'dagvaarding' | 'vonnis' | 'aanzegging' | 'ontruimd';

export interface Huurder {
  bsn: string;
  contractnummer: string;
  ingangsdatum: string;
  maandhuur: number;
  achterstand: { bedrag: number; maanden: number };
  overlastmeldingen: number;
  uitzettingsprocedure: { fase: UitzettingsFase };
}

export const HUURDERS_ZOEKEN_PATH = '/api/v1/huurders/zoeken';

const FASE: Record<EvictionStage, UitzettingsFase> = {
  NONE: 'geen',
  SUMMONED: 'dagvaarding',
  JUDGMENT: 'vonnis',
  EVICTION_SCHEDULED: 'aanzegging',
  EVICTED: 'ontruimd',
};

export function toHuurder(bsn: string, facts: HousingFacts): Huurder {
  return {
    bsn,
    contractnummer: facts.contractNumber,
    ingangsdatum: facts.tenancyStartDate,
    maandhuur: facts.monthlyRent,
    achterstand: { bedrag: facts.arrearsAmount, maanden: facts.arrearsMonths },
    overlastmeldingen: facts.nuisanceReports,
    uitzettingsprocedure: { fase: FASE[facts.eviction] },
  };
}

export function startHousingSimulator(opts: PartnerSimulatorOptions = {}): Promise<RunningSimulator> {
  const huurders = indexPeople(opts.households ?? DEMO_HOUSEHOLDS, (person) => person.housing && toHuurder(person.bsn, person.housing));
  return startSimulator({
    name: 'housing',
    host: opts.host,
    port: opts.port,
    handle: async (req, body) => {
      if (req.path !== HUURDERS_ZOEKEN_PATH) return jsonResponse(404, { fout: 'not_found', melding: 'Onbekende route.' });
      if (req.method !== 'POST') return jsonResponse(405, { fout: 'method_not_allowed', melding: 'Alleen POST.' });
      const bsns = parseBsnSearchBody(body);
      if (!Array.isArray(bsns)) return bsns;
      return jsonResponse(200, { huurders: selectKnown(huurders, bsns) });
    },
  });
}
