import { int, isObject, num, partnerCode, str, type JsonObject } from '../json-read.ts';

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
    evictionStatus: partnerCode(EVICTION, procedure.fase, { domain: 'housing', field: 'uitzettingsprocedure.fase' }),
  };
}
