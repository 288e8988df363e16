import { logger } from '../../observability/logger.ts';
import { bool, int, num, str, type JsonObject } from '../json-read.ts';

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
    caseStatus: toCaseStatus(dossier.fase),
    totalDebt: num(dossier.totaleSchuld),
    creditorCount: int(dossier.aantalSchuldeisers),
    paymentArrangement: bool(dossier.betalingsregeling),
    budgetManagement: bool(dossier.budgetbeheer),
  };
}

/** An unknown phase is reported as unknown (`null`) rather than guessed. */
function toCaseStatus(fase: unknown): DebtCaseStatus | null {
  if (typeof fase === 'string' && Object.hasOwn(STATUS, fase)) return STATUS[fase];
  if (fase !== undefined && fase !== null) logger.warn({ domain: 'debt', field: 'fase' }, 'unknown partner code');
  return null;
}
