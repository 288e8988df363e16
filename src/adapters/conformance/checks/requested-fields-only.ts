import { askPeople, fail, pass, peopleList, type ConformanceCheck, type PersonItem } from '../check.ts';
import { peopleQuery } from '../people-query.ts';
import { candidateKnownBsns, unknownBsns } from '../probe-keys.ts';

/**
 * Data minimisation: asked for one field of the domain object (and not even `bsn`), the adapter returns
 * that field and nothing else; no extra keys in the JSON.
 */
export const requestedFieldsOnly: ConformanceCheck = {
  name: 'requested-fields-only',
  async run(context) {
    const { personField, leafFields } = context.contract;
    const leaf = leafFields[leafFields.length - 1];
    const keys = [...candidateKnownBsns(), ...unknownBsns(1)];
    const people = peopleList(await askPeople(context, peopleQuery(context.contract, { leafFields: [leaf], withBsn: false }), keys), keys.length);
    if (typeof people === 'string') return fail(people);

    const extra = new Set<string>();
    for (const person of people.filter((item): item is NonNullable<PersonItem> => item !== null)) {
      for (const key of Object.keys(person)) if (key !== personField) extra.add(`Person.${key}`);
      const facts = person[personField];
      if (facts !== null && typeof facts === 'object') {
        for (const key of Object.keys(facts)) if (key !== leaf) extra.add(`${context.contract.domainType.name}.${key}`);
      }
    }
    if (extra.size) return fail(`fields not asked for were returned: ${[...extra].slice(0, 5).join(', ')}`);
    const found = people.filter((item) => item !== null).length;
    return pass(found ? `only ${personField}.${leaf} returned for ${found} known keys` : 'no test key known to this partner: nothing to compare');
  },
};
