import type { PartnerFieldMap } from '../field-selection.ts';
import { bool, int, isObject, num, partnerCode, str, type JsonObject } from '../json-read.ts';

/**
 * Translates the corporation's Dutch `huurder` records into the hub's `Housing` contract. A field the
 * adapter did not ask for is absent from the record and becomes `null`.
 */

export type EvictionStatus = 'NONE' | 'SUMMONED' | 'JUDGMENT' | 'EVICTION_SCHEDULED' | 'EVICTED';

export interface Housing {
  contractNumber: string | null;
  tenancyStartDate: string | null;
  monthlyRent: number | null;
  rentArrearsAmount: number | null;
  rentArrearsMonths: number | null;
  rentArrearsTwoMonthsOrMore: boolean | null;
  nuisanceReportsCount: number | null;
  evictionStatus: EvictionStatus | null;
}

/** Contract field → the corporation's `velden` it is read from. */
export const HOUSING_FIELDS: PartnerFieldMap = {
  contractNumber: ['contractnummer'],
  tenancyStartDate: ['ingangsdatum'],
  monthlyRent: ['maandhuur'],
  rentArrearsAmount: ['achterstand.bedrag'],
  rentArrearsMonths: ['achterstand.maanden'],
  // Wgs early signalling: the corporation computes the signal, so the amount need not leave it.
  rentArrearsTwoMonthsOrMore: ['vroegsignaal'],
  nuisanceReportsCount: ['overlastmeldingen'],
  evictionStatus: ['uitzettingsprocedure.fase'],
};

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
    rentArrearsTwoMonthsOrMore: bool(huurder.vroegsignaal),
    nuisanceReportsCount: int(huurder.overlastmeldingen),
    evictionStatus: partnerCode(EVICTION, procedure.fase, { domain: 'housing', field: 'uitzettingsprocedure.fase' }),
  };
}
