import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { runTsx } from './run-cli.ts';
import { resolveTokenClaims, TokenRequestError } from '../../src/cli/token-claims.ts';
import { DEMO_PROFILES, USUAL_ROLE_OF_KIND } from '../../src/cli/demo-tokens.ts';
import { ORGANISATIONS, ORGANISATION_KINDS } from '../../src/domain/organisations.ts';
import { loadPolicyFile } from '../../src/policy/policy-file.ts';
import { publicSchemaForPolicyCheck } from '../../src/hub/start-hub.ts';
import { checkCallerAgainstRegister } from '../../src/auth/organisation-register.ts';

const policies = loadPolicyFile('schema/field-policies.yaml', publicSchemaForPolicyCheck());

function refusal(request: Parameters<typeof resolveTokenClaims>[0]): string {
  try {
    resolveTokenClaims(request, policies);
  } catch (error) {
    expect(error).toBeInstanceOf(TokenRequestError);
    return (error as Error).message;
  }
  throw new Error('the request was served');
}

describe('the claims of npm run token', () => {
  it('gives each organisation the role its kind usually holds, and the hub would accept every one', () => {
    for (const kind of ORGANISATION_KINDS) expect(policies.organisationKinds.get(kind)!.roles).toContain(USUAL_ROLE_OF_KIND[kind]);
    for (const organisation of ORGANISATIONS) {
      const claims = resolveTokenClaims({ org: organisation.id }, policies);
      expect(claims).toMatchObject({ organisationId: organisation.id, roles: [USUAL_ROLE_OF_KIND[organisation.kind]] });
      expect(policies.purposes.has(claims.purpose)).toBe(true);
      expect(() => checkCallerAgainstRegister(claims, policies)).not.toThrow();
    }
  });

  it('gives wijkteam-west a wijkcoach of West, not the demo wijkcoach of Oost', () => {
    expect(resolveTokenClaims({ org: 'wijkteam-west' }, policies)).toEqual({
      subject: 'wijkcoach.wijkteam-west', organisationId: 'wijkteam-west', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning',
    });
    expect(resolveTokenClaims({ org: 'wijkteam-oost' }, policies).subject).toBe('sanne.deboer');
    expect(resolveTokenClaims({ org: 'gemeente-utrecht' }, policies)).toEqual({ ...DEMO_PROFILES['hub-privacy-officer'], roles: ['hub-privacy-officer'] });
    expect(resolveTokenClaims({ org: 'ggz-de-horizon' }, policies)).toMatchObject({ roles: ['privacy-officer'], purpose: 'privacy-toezicht' });
  });

  it('keeps a role alone meaning its demo profile, and every demo profile passes the register', () => {
    for (const [role, profile] of Object.entries(DEMO_PROFILES)) {
      expect(resolveTokenClaims({ role }, policies)).toEqual({ ...profile, roles: [role] });
      expect(() => checkCallerAgainstRegister({ ...profile, roles: [role] }, policies)).not.toThrow();
    }
    expect(DEMO_PROFILES['privacy-officer'].organisationId).toBe('wijkteam-oost');
  });

  it('takes --role with --org when the kind may hold it, and --sub and --purpose as given', () => {
    expect(resolveTokenClaims({ org: 'woonstichting-de-linde', role: 'privacy-officer', sub: 'fg.linde' }, policies)).toEqual({
      subject: 'fg.linde', organisationId: 'woonstichting-de-linde', roles: ['privacy-officer'], purpose: 'privacy-toezicht',
    });
  });

  it('refuses a role the organisation\'s kind may not hold, naming kind and allowed roles', () => {
    expect(refusal({ org: 'woonstichting-de-linde', role: 'wijkcoach' })).toBe(
      "woonstichting-de-linde is an organisation of kind HOUSING_CORPORATION, which may not hold the role 'wijkcoach' (policy file: organisationKinds; it may hold: woonconsulent, privacy-officer); the hub would refuse this token",
    );
    expect(refusal({ org: 'wijkteam-oost', role: 'hub-privacy-officer' })).toMatch(/kind WIJKTEAM, which may not hold the role 'hub-privacy-officer'/);
    expect(refusal({ org: 'gemeente-utrecht', role: 'privacy-officer' })).toMatch(/kind MUNICIPALITY/);
  });

  it('refuses an unknown organisation, role or purpose, and a request with neither role nor organisation', () => {
    expect(refusal({ org: 'Wijkteam-West' })).toMatch(/^Unknown organisation 'Wijkteam-West' \(known: wijkteam-oost, /);
    expect(refusal({ role: 'admin', org: 'wijkteam-oost' })).toMatch(/^Unknown role 'admin'/);
    expect(refusal({ role: 'admin' })).toBe("Role 'admin' has no demo profile: give --org and --purpose");
    expect(refusal({ org: 'wijkteam-west', purpose: 'marketing' })).toMatch(/^Unknown purpose 'marketing'/);
    expect(refusal({})).toMatch(/^--role or --org is required/);
  });
});

describeWithPostgres('npm run token -- --org', (database) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(database());
  });
  afterAll(async () => hub?.stop());

  async function token(args: string[]) {
    return runTsx('src/cli/token.ts', args, { env: { ONTSCHOT_DATA_DIR: hub.dataDir } });
  }

  it('mints a wijkcoach token for wijkteam-west that the hub accepts for West\'s household, and not for Oost\'s', async () => {
    const run = await token(['--org', 'wijkteam-west']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(decodeJwt(lines[0])).toMatchObject({ org: 'wijkteam-west', roles: ['wijkcoach'], purpose: 'wijkteam-ondersteuning', sub: 'wijkcoach.wijkteam-west' });
    const west = await hub.query(lines[0], '{ household(id: "hh-1008") { id members { givenName } } }');
    expect(west.status).toBe(200);
    expect(west.body.data!.household.members.map((member: { givenName: string }) => member.givenName)).toContain('Sevda');
    const oost = await hub.query(lines[0], '{ household(id: "hh-1001") { members { givenName } } }');
    expect(oost.body.data?.household?.members ?? null).toBeNull();
  });

  it('mints the municipality\'s officer, who may read the access log', async () => {
    const run = await token(['--org', 'gemeente-utrecht']);
    expect(run.code).toBe(0);
    const response = await hub.query(run.stdout.trim(), '{ accessRecords(limit: 1) { totalCount } }');
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.accessRecords.totalCount).toBeGreaterThan(0);
  });

  it('refuses a forbidden pair with exit 1, a message and no token', async () => {
    const run = await token(['--org', 'woonstichting-de-linde', '--role', 'wijkcoach']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("kind HOUSING_CORPORATION, which may not hold the role 'wijkcoach'");
  });
});
