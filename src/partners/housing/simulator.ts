import { DEMO_HOUSEHOLDS, type EvictionStage, type HousingFacts } from '../../demo/population.ts';
import { indexPeople, parseBsnSearchBody, pickVelden, selectKnown } from '../bsn-search.ts';
import { createPageCursors, pageOf } from '../page-cursor.ts';
import { DEFAULT_PAGE_SIZE, jsonResponse, startSimulator, type PartnerSimulatorOptions, type RunningSimulator } from '../simulator-server.ts';

/**
 * The housing corporation's tenant API (Dutch field names, as the corporation's own system has them).
 * Route: POST /api/v1/huurders/zoeken with {"bsns": [...], "velden": [...], "pagina"?: "…"}
 *   → {"huurders": [...], "volgendePagina": "…" | null}.
 * Only the asked `velden` leave the corporation; results come in pages (ask the next page with the same
 * body plus `pagina`), and an optional rate limit answers 429 with Retry-After.
 */

export type UitzettingsFase = 'geen' | 'dagvaarding' | 'vonnis' | 'aanzegging' | 'ontruimd';

export interface Huurder {
  bsn: string;
  contractnummer: string;
  ingangsdatum: string;
  maandhuur: number;
  achterstand: { bedrag: number; maanden: number };
  /** Wgs early signal: arrears of two months or more, computed here so the amount need not leave. */
  vroegsignaal: boolean;
  overlastmeldingen: number;
  uitzettingsprocedure: { fase: UitzettingsFase };
}

export const HUURDERS_ZOEKEN_PATH = '/api/v1/huurders/zoeken';

/** Every `veld` a search may ask for; nested fields by dotted name. */
export const HUURDER_VELDEN = [
  'contractnummer',
  'ingangsdatum',
  'maandhuur',
  'achterstand.bedrag',
  'achterstand.maanden',
  'vroegsignaal',
  'overlastmeldingen',
  'uitzettingsprocedure.fase',
] as const;

/** Wgs: a signal from two months of arrears on. */
const VROEGSIGNAAL_MAANDEN = 2;

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
    vroegsignaal: facts.arrearsMonths >= VROEGSIGNAAL_MAANDEN,
    overlastmeldingen: facts.nuisanceReports,
    uitzettingsprocedure: { fase: FASE[facts.eviction] },
  };
}

export async function startHousingSimulator(opts: PartnerSimulatorOptions = {}): Promise<RunningSimulator> {
  const huurders = indexPeople(opts.households ?? DEMO_HOUSEHOLDS, (person) => person.housing && toHuurder(person.bsn, person.housing));
  const pageSize = opts.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError('pageSize must be a positive integer');
  const cursors = createPageCursors();
  return startSimulator({
    name: 'housing',
    host: opts.host,
    port: opts.port,
    rateLimitPerSecond: opts.rateLimitPerSecond,
    handle: async (req, body, record) => {
      if (req.path !== HUURDERS_ZOEKEN_PATH) return jsonResponse(404, { fout: 'not_found', melding: 'Onbekende route.' });
      if (req.method !== 'POST') return jsonResponse(405, { fout: 'method_not_allowed', melding: 'Alleen POST.' });
      const search = parseBsnSearchBody(body, HUURDER_VELDEN);
      if (!('bsns' in search)) return search;
      // A follow-up page belongs to the same search: the cursor is only valid for the same BSNs and velden.
      const searchKey = JSON.stringify([[...search.bsns].sort(), [...search.velden].sort()]);
      const offset = search.pagina === undefined ? 0 : cursors.read(search.pagina, searchKey);
      if (offset === undefined) return jsonResponse(400, { fout: 'invalid_page', melding: 'Onbekende of verlopen pagina.' });
      if (search.pagina === undefined) record({ bsns: search.bsns, fields: search.velden });
      const { page, next } = pageOf(selectKnown(huurders, search.bsns), offset, pageSize, cursors, searchKey);
      return jsonResponse(200, { huurders: page.map((huurder) => pickVelden(huurder, search.velden)), volgendePagina: next });
    },
  });
}
