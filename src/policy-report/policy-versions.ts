import { createHash } from 'node:crypto';
import type { PrismaClient } from '../db/generated/client.ts';
import type { PolicySet } from '../policy/policy-types.ts';

/**
 * The versions of the policy file this hub has run with (table policy_version): one row per distinct
 * text, recorded at every start, so that a privacy officer can see when a policy came into force and
 * compare it with the one before.
 */
export interface PolicyVersionRow {
  id: string;
  sha256: string;
  text: string;
  firstRunAt: Date;
  lastRunAt: Date;
}

type Store = Pick<PrismaClient, 'policyVersion'>;

export function policySha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** At start-up: the version's row, created on its first run, its last run set on every later one (idempotent). */
export async function recordPolicyVersion(prisma: Store, text: string, now = new Date()): Promise<PolicyVersionRow> {
  const sha256 = policySha256(text);
  return prisma.policyVersion.upsert({ where: { sha256 }, create: { sha256, text, firstRunAt: now, lastRunAt: now }, update: { lastRunAt: now } });
}

/** Every version, the most recently run first (the running one on top), then the newest first. */
export function listPolicyVersions(prisma: Store): Promise<Omit<PolicyVersionRow, 'text'>[]> {
  return prisma.policyVersion.findMany({ select: { id: true, sha256: true, firstRunAt: true, lastRunAt: true }, orderBy: [{ lastRunAt: 'desc' }, { firstRunAt: 'desc' }, { id: 'asc' }] });
}

export function findPolicyVersion(prisma: Store, id: string): Promise<PolicyVersionRow | null> {
  return prisma.policyVersion.findUnique({ where: { id } });
}

/**
 * Which text a loaded policy set came from, for `current` in policyVersions. Kept beside the set (not in
 * it) because only the hub's start-up knows the text; a set without it (a test gateway) marks none current.
 */
const runningText = new WeakMap<PolicySet, string>();

export function rememberPolicyText(policies: PolicySet, text: string): void {
  runningText.set(policies, policySha256(text));
}

export function runningPolicySha256(policies: PolicySet): string | undefined {
  return runningText.get(policies);
}
