import { DEMO_HOUSEHOLDS, type DebtCaseStatus, type DebtFacts } from '../../demo/population.ts';
import { indexPeople, parseBsnSearchBody, selectKnown } from '../bsn-search.ts';
import { jsonResponse, startSimulator, type PartnerSimulatorOptions, type RunningSimulator } from '../simulator-server.ts';

/**
 * The debt-relief (schuldhulpverlening) case system's REST API, in Dutch.
 * Route: POST /api/v1/dossiers/zoeken with {"bsns": [...]} → {"dossiers": [...]}.
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

export function startDebtSimulator(opts: PartnerSimulatorOptions = {}): Promise<RunningSimulator> {
  const dossiers = indexPeople(opts.households ?? DEMO_HOUSEHOLDS, (person) => person.debt && toDossier(person.bsn, person.debt));
  return startSimulator({
    name: 'debt',
    host: opts.host,
    port: opts.port,
    handle: async (req, body) => {
      if (req.path !== DOSSIERS_ZOEKEN_PATH) return jsonResponse(404, { fout: 'not_found', melding: 'Onbekende route.' });
      if (req.method !== 'POST') return jsonResponse(405, { fout: 'method_not_allowed', melding: 'Alleen POST.' });
      const bsns = parseBsnSearchBody(body);
      if (!Array.isArray(bsns)) return bsns;
      return jsonResponse(200, { dossiers: selectKnown(dossiers, bsns) });
    },
  });
}
