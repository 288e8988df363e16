import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithPostgres } from '../support/postgres.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { checkCallerAgainstRegister } from '../../src/auth/organisation-register.ts';
import { AuthenticationError } from '../../src/auth/token-verifier.ts';
import type { Caller } from '../../src/auth/caller.ts';
import { loadPolicyFile } from '../../src/policy/policy-file.ts';
import { publicSchemaForPolicyCheck } from '../../src/hub/start-hub.ts';
import { ORGANISATIONS } from '../../src/domain/organisations.ts';

const policies = loadPolicyFile('schema/field-policies.yaml', publicSchemaForPolicyCheck());
const QUERY = '{ household(id: "hh-1001") { id } }';

function caller(organisationId: string, roles: string[]): Caller {
  return { subject: 'someone', organisationId, roles, purpose: 'wijkteam-ondersteuning' };
}

/** The message of the AuthenticationError the register check throws, or undefined when it passes. */
function refusal(organisationId: string, roles: string[]): string | undefined {
  try {
    checkCallerAgainstRegister(caller(organisationId, roles), policies);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).failure).toBe('register');
    return (error as AuthenticationError).message;
  }
}

describe('the register check of a token\'s org and roles', () => {
  it('lets every role pass that the policy gives the organisation\'s kind, and no other known role', () => {
    for (const organisation of ORGANISATIONS) {
      const allowed = policies.organisationKinds.get(organisation.kind)!.roles;
      for (const role of policies.roles.keys()) {
        expect(refusal(organisation.id, [role]) === undefined, `${organisation.id} ${role}`).toBe(allowed.includes(role));
      }
    }
  });

  it('names the kind and the known role of a forbidden pair', () => {
    expect(refusal('woonstichting-de-linde', ['wijkcoach'])).toBe("An organisation of kind HOUSING_CORPORATION may not hold the role 'wijkcoach' (policy file: organisationKinds)");
    expect(refusal('ggz-de-horizon', ['wijkcoach'])).toMatch(/kind MENTAL_HEALTH_CARE may not hold the role 'wijkcoach'/);
    expect(refusal('gemeente-utrecht', ['privacy-officer'])).toMatch(/kind MUNICIPALITY may not hold the role 'privacy-officer'/);
    // Only the municipality supervises the whole hub.
    expect(refusal('wijkteam-oost', ['hub-privacy-officer'])).toMatch(/kind WIJKTEAM may not hold the role 'hub-privacy-officer'/);
  });

  it('refuses an org that differs from a registered one only in case or whitespace, without repeating it', () => {
    for (const org of ['Wijkteam-Oost', 'WIJKTEAM-OOST', ' wijkteam-oost', 'wijkteam-oost ', 'wijkteam-oost\n', 'wijkteam‐oost', 'wijkteam-noord', 'constructor', '__proto__']) {
      const message = refusal(org, ['wijkcoach']);
      expect(message).toBe("The token names an organisation that is not in the hub's organisation register");
    }
  });

  it('refuses a role the policy does not know, in any case, without repeating it', () => {
    for (const role of ['Wijkcoach', 'wijkcoach ', 'admin', 'toString', '<script>']) {
      const message = refusal('wijkteam-oost', [role]);
      expect(message).toBe("The token carries a role that the hub's policy does not know");
      expect(message).not.toContain(role);
    }
  });

  it('checks every role of a list: two allowed roles pass, one forbidden role among allowed ones does not', () => {
    expect(refusal('wijkteam-oost', ['wijkcoach', 'privacy-officer'])).toBeUndefined();
    expect(refusal('wijkteam-oost', ['wijkcoach', 'woonconsulent'])).toMatch(/kind WIJKTEAM may not hold the role 'woonconsulent'/);
    expect(refusal('woonstichting-de-linde', ['woonconsulent', 'wijkcoach', 'privacy-officer'])).toMatch(/may not hold the role 'wijkcoach'/);
    expect(refusal('wijkteam-oost', ['wijkcoach', 'nobody-knows'])).toBe("The token carries a role that the hub's policy does not know");
  });
});

describeWithPostgres('tokens checked against the organisation register at the gateway', (database) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(database());
  });
  afterAll(async () => hub?.stop());

  async function send(organisationId: string, roles: string[], purpose = 'wijkteam-ondersteuning') {
    const token = await hub.demoIssuer!.issueToken({ subject: 'tester', organisationId, roles, purpose });
    const response = await fetch(hub.gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: QUERY }),
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  /** The 401 as every other authentication failure answers it; returns its message. */
  function expectRefused(response: { status: number; body: any }): string {
    expect(response.status).toBe(401);
    expect(response.body.data).toBeUndefined();
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
    return response.body.errors[0].message;
  }

  it('passes a registered organisation with a role its kind may hold', async () => {
    const response = await send('wijkteam-oost', ['wijkcoach']);
    expect(response.status).toBe(200);
    expect(response.body.data.household.id).toBe('hh-1001');
  });

  it('passes a wijkteam professional with the roles wijkcoach and privacy-officer together', async () => {
    const response = await send('wijkteam-oost', ['wijkcoach', 'privacy-officer']);
    expect(response.status).toBe(200);
    expect(response.body.data.household.id).toBe('hh-1001');
  });

  it('answers 401 to an org that is not in the register, also one that differs only in case or whitespace', async () => {
    for (const org of ['wijkteam-noord', 'Wijkteam-Oost', ' wijkteam-oost', 'wijkteam-oost\t']) {
      const message = expectRefused(await send(org, ['wijkcoach']));
      expect(message).toBe("The token names an organisation that is not in the hub's organisation register");
    }
    const hostile = expectRefused(await send('<img src=x onerror=alert(1)>', ['wijkcoach']));
    expect(hostile).not.toContain('<img');
  });

  it('answers 401 to a housing corporation with the role wijkcoach, with no data', async () => {
    const response = await send('woonstichting-de-linde', ['wijkcoach']);
    expect(expectRefused(response)).toBe("An organisation of kind HOUSING_CORPORATION may not hold the role 'wijkcoach' (policy file: organisationKinds)");
    expect(JSON.stringify(response.body)).not.toContain('hh-1001');
  });

  it('answers 401 to a list with one forbidden role among allowed ones, and to a role the policy does not know', async () => {
    expect(expectRefused(await send('wijkteam-oost', ['wijkcoach', 'woonconsulent']))).toMatch(/kind WIJKTEAM may not hold the role 'woonconsulent'/);
    const unknown = expectRefused(await send('wijkteam-oost', ['wijkcoach', 'superuser']));
    expect(unknown).toBe("The token carries a role that the hub's policy does not know");
  });
});
