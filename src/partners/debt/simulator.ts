import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { DEMO_HOUSEHOLDS, type DebtCaseStatus, type DebtFacts } from '../../demo/population.ts';
import { indexPeople, parseBsnSearchBody, pickVelden, selectKnown } from '../bsn-search.ts';
import { jsonResponse, startSimulator, type PartnerSimulatorOptions, type RunningSimulator } from '../simulator-server.ts';

/**
 * The debt-relief (schuldhulpverlening) case system's REST API, in Dutch.
 * Route: POST /api/v1/dossiers/zoeken with {"bsns": [...], "velden": [...]} → {"dossiers": [...]}.
 * Only the asked `velden` are returned. Every request must carry the adapter's API key in `x-api-key`
 * (from the `apiKey` option or DEBT_PARTNER_API_KEY); a missing or wrong key gets 401.
 */

export type DossierFase = 'intake' | 'stabilisatie' | 'schuldregeling' | 'wsnp' | 'nazorg' | 'afgesloten';

export interface Dossier {
  bsn: string;
  dossiernummer: string;
  fase: DossierFase;
  /** In euro. */
  totaleSchuld: number;
  aantalSchuldeisers: number;
  betalingsregeling: boolean;
  budgetbeheer: boolean;
  aangemeldOp: string;
}

export const DOSSIERS_ZOEKEN_PATH = '/api/v1/dossiers/zoeken';

/** Every `veld` a search may ask for. */
export const DOSSIER_VELDEN = ['dossiernummer', 'fase', 'totaleSchuld', 'aantalSchuldeisers', 'betalingsregeling', 'budgetbeheer', 'aangemeldOp'] as const;

const FASE: Record<DebtCaseStatus, DossierFase> = {
  INTAKE: 'intake',
  STABILISATION: 'stabilisatie',
  DEBT_SETTLEMENT: 'schuldregeling',
  WSNP: 'wsnp',
  AFTERCARE: 'nazorg',
  CLOSED: 'afgesloten',
};

export function toDossier(bsn: string, facts: DebtFacts): Dossier {
  return {
    bsn,
    dossiernummer: facts.caseNumber,
    fase: FASE[facts.status],
    totaleSchuld: facts.totalDebt,
    aantalSchuldeisers: facts.creditorCount,
    betalingsregeling: facts.paymentArrangement,
    budgetbeheer: facts.budgetManagement,
    aangemeldOp: facts.registeredOn,
  };
}

export async function startDebtSimulator(opts: PartnerSimulatorOptions = {}): Promise<RunningSimulator> {
  const apiKey = opts.apiKey ?? process.env.DEBT_PARTNER_API_KEY;
  // Fail closed: a partner without a configured key would otherwise have to answer everyone or no one.
  if (!apiKey) throw new Error('The debt simulator needs an API key: set DEBT_PARTNER_API_KEY');
  const isExpectedKey = apiKeyCheck(apiKey);
  const dossiers = indexPeople(opts.households ?? DEMO_HOUSEHOLDS, (person) => person.debt && toDossier(person.bsn, person.debt));
  return startSimulator({
    name: 'debt',
    host: opts.host,
    port: opts.port,
    rateLimitPerSecond: opts.rateLimitPerSecond,
    handle: async (req, body, record) => {
      if (!isExpectedKey(req.headers)) return jsonResponse(401, { fout: 'unauthorized', melding: 'Ontbrekende of ongeldige API-sleutel.' });
      if (req.path !== DOSSIERS_ZOEKEN_PATH) return jsonResponse(404, { fout: 'not_found', melding: 'Onbekende route.' });
      if (req.method !== 'POST') return jsonResponse(405, { fout: 'method_not_allowed', melding: 'Alleen POST.' });
      const search = parseBsnSearchBody(body, DOSSIER_VELDEN);
      if (!('bsns' in search)) return search;
      record({ bsns: search.bsns, fields: search.velden });
      return jsonResponse(200, { dossiers: selectKnown(dossiers, search.bsns).map((dossier) => pickVelden(dossier, search.velden)) });
    },
  });
}

/** Compares `x-api-key` in constant time: both sides are hashed first, so lengths never differ. */
function apiKeyCheck(expected: string): (headers: IncomingHttpHeaders) => boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  const expectedDigest = digest(expected);
  return (headers) => {
    const given = headers['x-api-key'];
    return typeof given === 'string' && timingSafeEqual(digest(given), expectedDigest);
  };
}
