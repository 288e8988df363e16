import { logger } from '../../observability/logger.ts';
import { int, isObject, num, str, type JsonObject } from '../json-read.ts';

/** Translates the corporation's Dutch `huurder` records into the hub's `Housing` contract. */

export type EvictionStatus = 'NONE' | 'SUMMONED' | 'JUDGMENT' | 'EVICTION_SCHEDULED' | 'EVICTED';

export interface Housing {
  contractNumber: string | null;
  tenancyStartDate: string | null;
  monthlyRent: number | null;
  rentArrearsAmount: number | null;
  rentArrearsMonths: number | null;
  nuisanceReportsCount: number | null;
  evictionStatus: EvictionStatus | null;
}

const EVICTION: Record<string, EvictionStatus> = {
  geen: 'NONE',
  dagvaarding: 'SUMMONED',
  vonnis: 'JUDGMENT',
  aanzegging: 'EVICTION_SCHEDULED',
  ontruimd: 'EVICTED',
};

export function toHousing(huurder: JsonObject): Housing {
  const achterstand = isObject(huurder.achterstand) ? huurder.achterstand : {};
  const procedure = isObject(huurder.uitzettingsprocedure) ? huurder.uitzettingsprocedure : {};
  return {
    contractNumber: str(huurder.contractnummer),
    tenancyStartDate: str(huurder.ingangsdatum),
    monthlyRent: num(huurder.maandhuur),
    rentArrearsAmount: num(achterstand.bedrag),
    rentArrearsMonths: int(achterstand.maanden),
    nuisanceReportsCount: int(huurder.overlastmeldingen),
    evictionStatus: toEvictionStatus(procedure.fase),
  };
}

/** An unknown phase is reported as unknown (`null`) rather than guessed. */
function toEvictionStatus(fase: unknown): EvictionStatus | null {
  if (typeof fase === 'string' && Object.hasOwn(EVICTION, fase)) return EVICTION[fase];
  if (fase !== undefined && fase !== null) logger.warn({ domain: 'housing', field: 'uitzettingsprocedure.fase' }, 'unknown partner code');
  return null;
}
