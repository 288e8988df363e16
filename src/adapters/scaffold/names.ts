/**
 * The names a new adapter gets from its kebab-case domain name, e.g. 'school-attendance':
 * the Person field `schoolAttendance`, the type `SchoolAttendance`, `startSchoolAttendanceAdapter`.
 */
export interface AdapterNames {
  /** The domain, folder and file name: kebab-case. */
  domain: string;
  /** The Person field and identifiers: camelCase. */
  camel: string;
  /** The GraphQL type and function names: PascalCase. */
  pascal: string;
}

const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const MAX_LENGTH = 40;

/** Why `name` cannot be a domain name, or undefined when it can. */
export function domainNameProblem(name: string): string | undefined {
  if (!KEBAB_CASE.test(name)) return `'${name}' is not kebab-case (lower-case letters and digits, words joined by '-', starting with a letter)`;
  if (name.length > MAX_LENGTH) return `'${name}' is longer than ${MAX_LENGTH} characters`;
  // `bsn` is the key every contract already has on Person.
  if (name === 'bsn') return "'bsn' is the key of Person, not a domain";
  return undefined;
}

export function adapterNames(domain: string): AdapterNames {
  const words = domain.split('-');
  const capitalised = words.map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  return { domain, camel: words[0] + capitalised.slice(1).join(''), pascal: capitalised.join('') };
}

/** The conventional entry points of a scaffolded adapter and its simulator stub (see local-adapter.ts). */
export function entryPoints(names: AdapterNames) {
  return {
    adapterFile: `src/adapters/${names.domain}/adapter.ts`,
    startAdapter: `start${names.pascal}Adapter`,
    simulatorFile: `src/partners/${names.domain}/simulator.ts`,
    startSimulator: `start${names.pascal}Simulator`,
  };
}
