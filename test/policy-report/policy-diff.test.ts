/**
 * `npm run policy:diff -- <old> <new>` as a merge request runs it: exit 1 with the reasons when access
 * widens, 0 when it narrows or nothing changes, 2 on bad input; and the checks a change weakens, each
 * named in words.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { comparedVersion } from '../../src/policy-report/compared-version.ts';
import { diffPolicies } from '../../src/policy-report/policy-diff.ts';
import { shippedPolicy, withLine } from '../support/policy-file-fixture.ts';
import { runTsx } from '../cli/run-cli.ts';

vi.setConfig({ testTimeout: 60_000 });

const CLI = 'src/cli/policy-diff.ts';
const ROLE_WOONCONSULENT = 'Woonconsulent van de woningcorporatie [woonconsulent]';
const PURPOSE_WIJKTEAM = 'Integrale ondersteuning van een huishouden door het sociaal wijkteam (één huishouden, één plan, één regisseur) [wijkteam-ondersteuning]';

/** The Wgs basis also for wijkteam support: a purpose added to a legal basis. */
const purposeAddedToBasis = withLine('    purposes: [vroegsignalering-schulden]', '    purposes: [vroegsignalering-schulden, wijkteam-ondersteuning]').text;
/** The monthly rent on consent, as it might have been before it moved to the wijkteam's legal basis. */
const rentOnConsent = withLine('monthlyRent:          { category: wonen, basis: wmo-wijkteam }', 'monthlyRent:          { category: wonen, basis: consent, roles: [wijkcoach], purposes: [wijkteam-ondersteuning] }').text;
/** The housing corporation's consultant added to the wijkteam's legal basis. */
const roleAdded = withLine('    roles: [wijkcoach]\n'.trim(), 'roles: [wijkcoach, woonconsulent]').text;

function diffOf(before: string, after: string) {
  const version = (text: string, label: string) => comparedVersion({ label, text }, new Date('2026-11-24T12:00:00Z'));
  return diffPolicies(version(before, 'old'), version(after, 'new'));
}

describe('npm run policy:diff', () => {
  let folder: string;
  const file = async (name: string, text: string) => {
    const target = path.join(folder, `${name}.yaml`);
    await writeFile(target, text);
    return target;
  };
  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'policy-diff-'));
  });
  afterAll(async () => rm(folder, { recursive: true, force: true }));

  it('exits 1 when a purpose is added to a legal basis, saying who gains what and which check is weakened, also as an HTML fragment', async () => {
    const html = path.join(folder, 'diff.html');
    const run = await runTsx(CLI, ['schema/field-policies.yaml', await file('purpose-added', purposeAddedToBasis), '--html', html]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Access WIDENS');
    expect(run.stdout).toContain(`- Medewerker schuldhulpverlening van de gemeente [schuldhulpverlener], for ${PURPOSE_WIJKTEAM}, gains access to 2 fields Person.housing, Housing.rentArrearsTwoMonthsOrMore: before never: purpose not covered; now always, on legal basis Wettelijke taak van de gemeente`);
    expect(run.stdout).toContain(`- Legal basis wgs-vroegsignalering: purpose ${PURPOSE_WIJKTEAM} added.`);
    const fragment = await readFile(html, 'utf8');
    expect(fragment).toMatch(/^<article class="policy-document">[\s\S]*<section class="widens">/);
    expect(fragment).not.toMatch(/<script|style=/i);
  });

  it('exits 1 when a field moves from consent to a legal basis', async () => {
    const run = await runTsx(CLI, [await file('rent-on-consent', rentOnConsent), 'schema/field-policies.yaml']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('- Housing.monthlyRent moves from consent to legal basis Publieke taak van de gemeente (AVG art. 6 lid 1 sub e) [wmo-wijkteam]: it no longer needs the person\'s consent.');
    expect(run.stdout).toMatch(/\[wijkcoach\], for Integrale ondersteuning [^\n]*, gains access to field Housing\.monthlyRent: before only with the person's consent and involvement; or with consent under break-the-glass; now with involvement, on legal basis Publieke taak/);
    expect(run.stdout).not.toContain('Checks this change strengthens');
  });

  it('exits 1 when a role is added to a legal basis', async () => {
    const run = await runTsx(CLI, ['schema/field-policies.yaml', await file('role-added', roleAdded)]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`- ${ROLE_WOONCONSULENT}, for ${PURPOSE_WIJKTEAM}, gains access to`);
    expect(run.stdout).toContain(`- Legal basis wmo-wijkteam: role ${ROLE_WOONCONSULENT} added.`);
  });

  it('exits 0 when access narrows, saying who loses what', async () => {
    const run = await runTsx(CLI, [await file('wide', purposeAddedToBasis), 'schema/field-policies.yaml']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Access does not widen');
    expect(run.stdout).toContain(`[schuldhulpverlener], for ${PURPOSE_WIJKTEAM}, loses access to 2 fields Person.housing, Housing.rentArrearsTwoMonthsOrMore`);
    expect(run.stdout).not.toContain('Who gains');
  });

  it('exits 0 and says "No change" for the same policy, also when one side is a git revision', async () => {
    const atHead = await file('at-head', execFileSync('git', ['show', 'HEAD:schema/field-policies.yaml'], { encoding: 'utf8' }));
    const run = await runTsx(CLI, ['HEAD', atHead]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(`# Policy diff: HEAD:schema/field-policies.yaml → ${path.relative(process.cwd(), atHead)}\n\nNo change: the same roles see the same fields on the same footing, and no check changed.\n`);
  });

  it('compares an older version written for an earlier schema: a field it lacks was denied, one it names that is gone is left out', async () => {
    const older = shippedPolicy.replace(/\n    policyReport: [^\n]*/, '').replace('  Consent:\n', '  Consent:\n    signature: { basis: none }\n');
    const run = await runTsx(CLI, [await file('older', older), 'schema/field-policies.yaml']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/\[hub-privacy-officer\], for Toezicht [^\n]*, gains access to field Query\.policyReport: before never: no policy for the field in this version; now always \(no personal data\)\./);
    expect(run.stdout).toMatch(/- No policy in .*older\.yaml \(denied there; not in that version of the schema\): Query\.policyReport\.\n/);
    expect(run.stdout).not.toContain('keeps'); // roles that see it in neither version are not mentioned
    expect(run.stdout).toMatch(/- Consent\.signature is in .*older\.yaml but no longer in the public schema: left out of the comparison\./);
  });

  it.each([
    ['one policy only', async () => ['schema/field-policies.yaml'], /^policy:diff: name two policies, the old and the new\nusage: /],
    ['something that is neither a file nor a revision', async () => ['no-such-revision', 'schema/field-policies.yaml'], /^policy:diff: 'no-such-revision' is neither a file nor a git revision/],
    ['a file that is not YAML', async () => ['schema/field-policies.yaml', await file('broken', 'roles: [unclosed\n')], /is not a valid policy file\.\n\s+.*:\d+: YAML error/],
    ['a policy naming an unknown role', async () => [await file('unknown-role', withLine('roles: [wijkcoach, schuldhulpverlener, woonconsulent] }', 'roles: [wijkcoach, huisarts] }').text), 'schema/field-policies.yaml'], /is not a valid policy file\.\n\s+.*unknown-role\.yaml:\d+: unknown role 'huisarts'/],
  ])('exits 2 with a clear message for %s', async (_name, args, message) => {
    const run = await runTsx(CLI, await args());
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at .*\.ts:\d+/); // no stack trace
  });
});

describe('the checks a change weakens or strengthens', () => {
  it.each([
    ['break-the-glass lasting longer', withLine('durationMinutes: 240', 'durationMinutes: 480').text, 'Break-the-glass lasts longer: 240 → 480 minutes.'],
    ['a shorter justification', withLine('minimumJustificationLength: 40', 'minimumJustificationLength: 10').text, 'Break-the-glass needs a shorter justification: 40 → 10 characters.'],
    ['consent without involvement', withLine('involvementRequiredFor: [wmo-wijkteam, toestemmingsregistratie, consent]', 'involvementRequiredFor: [wmo-wijkteam, toestemmingsregistratie]').text, "Need to know: data on the person's consent no longer needs involvement with the household (removed from needToKnow.involvementRequiredFor)."],
    ['a hub-wide supervisor more', withLine('hubWideRoles: [hub-privacy-officer]', 'hubWideRoles: [hub-privacy-officer, privacy-officer]').text, expect.stringMatching(/^Supervision of the whole hub: role Functionaris gegevensbescherming van een organisatie.* added\.$/)],
  ])('names %s as weakened, and it widens', (_name, changed, weakened) => {
    const diff = diffOf(shippedPolicy, changed);
    expect(diff.weakened).toContainEqual(weakened);
    expect(diff.widens).toBe(true);
    // The same change undone strengthens and does not widen.
    const undone = diffOf(changed, shippedPolicy);
    expect(undone.widens).toBe(false);
    expect(undone.strengthened.length).toBeGreaterThan(0);
  });

  it('counts a cell that gains in one situation as widening even when the same change removes a check elsewhere', () => {
    // Consent no longer needs involvement: GGZ becomes visible with consent alone (a gain), nothing is lost.
    const changed = withLine('involvementRequiredFor: [wmo-wijkteam, toestemmingsregistratie, consent]', 'involvementRequiredFor: [wmo-wijkteam, toestemmingsregistratie]').text;
    const diff = diffOf(shippedPolicy, changed);
    expect(diff.gains).toContainEqual(expect.stringMatching(/\[wijkcoach\], for .*, gains access to 5 fields Person\.care, Care\.inCare.*: before only with the person's consent and involvement; now only with the person's consent\.$/));
    expect(diff.losses).toEqual([]);
  });
});
