import { bool, int, num, partnerCode, str, type JsonObject } from '../json-read.ts';

/** Translates debt relief's Dutch `dossier` records into the hub's `Debt` contract. */

export type DebtCaseStatus = 'INTAKE' | 'STABILISATION' | 'DEBT_SETTLEMENT' | 'WSNP' | 'AFTERCARE' | 'CLOSED';

export interface Debt {
  caseNumber: string | null;
  caseStatus: DebtCaseStatus | null;
  totalDebt: number | null;
  creditorCount: number | null;
  paymentArrangement: boolean | null;
  budgetManagement: boolean | null;
}

const STATUS: Record<string, DebtCaseStatus> = {
  intake: 'INTAKE',
  stabilisatie: 'STABILISATION',
  schuldregeling: 'DEBT_SETTLEMENT',
  wsnp: 'WSNP',
  nazorg: 'AFTERCARE',
  afgesloten: 'CLOSED',
};

export function toDebt(dossier: JsonObject): Debt {
  return {
    caseNumber: str(dossier.dossiernummer),
    caseStatus: partnerCode(STATUS, dossier.fase, { domain: 'debt', field: 'fase' }),
    totalDebt: num(dossier.totaleSchuld),
    creditorCount: int(dossier.aantalSchuldeisers),
    paymentArrangement: bool(dossier.betalingsregeling),
    budgetManagement: bool(dossier.budgetbeheer),
  };
}
