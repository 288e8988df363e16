import type { PartnerFieldMap } from '../field-selection.ts';
import { bool, int, num, partnerCode, str, type JsonObject } from '../json-read.ts';

/**
 * Translates debt relief's Dutch `dossier` records into the hub's `Debt` contract. A field the adapter
 * did not ask for is absent from the record and becomes `null`.
 */

export type DebtCaseStatus = 'INTAKE' | 'STABILISATION' | 'DEBT_SETTLEMENT' | 'WSNP' | 'AFTERCARE' | 'CLOSED';

export interface Debt {
  caseNumber: string | null;
  caseStatus: DebtCaseStatus | null;
  totalDebt: number | null;
  creditorCount: number | null;
  paymentArrangement: boolean | null;
  budgetManagement: boolean | null;
}

/** Contract field → debt relief's `velden` it is read from. */
export const DEBT_FIELDS: PartnerFieldMap = {
  caseNumber: ['dossiernummer'],
  caseStatus: ['fase'],
  totalDebt: ['totaleSchuld'],
  creditorCount: ['aantalSchuldeisers'],
  paymentArrangement: ['betalingsregeling'],
  budgetManagement: ['budgetbeheer'],
};

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
