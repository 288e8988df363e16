/**
 * The one case-screen query every contestant of bench/gateway-vs-stitching.ts answers: a household's
 * address and its members with their housing, debt and care fields, for one household by id or several.
 */
const HOUSEHOLD_FIELDS = `address { street houseNumber postcode }
    members { givenName familyName housing { rentArrearsMonths evictionStatus } debt { caseStatus totalDebt } care { inCare trajectoryKind } }`;

export const ONE_HOUSEHOLD_QUERY = `query CaseScreen($id: ID!) {
  household(id: $id) {
    ${HOUSEHOLD_FIELDS}
  }
}`;

export const HOUSEHOLDS_QUERY = `query CaseScreens($ids: [ID!]!) {
  households(ids: $ids) {
    ${HOUSEHOLD_FIELDS}
  }
}`;
