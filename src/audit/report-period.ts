import type { PrismaClient } from '../db/generated/client.ts';

/**
 * The period a subject access report covers: from the oldest access record the hub still keeps to when
 * the report was made. Which start that is matters to the reader: the first record the log ever had
 * (nothing removed yet), or the oldest one kept after older ones were removed at the end of the retention
 * period (`npm run audit:purge`, which leaves a checkpoint). Read over the whole log, not one person's:
 * a person without records before a date is only news if the log went back that far.
 */
export interface ReportPeriod {
  from: string | null;
  description: string;
}

const DATE = new Intl.DateTimeFormat('nl-NL', { dateStyle: 'long', timeZone: 'Europe/Amsterdam' });

export async function reportPeriod(prisma: PrismaClient, retentionDays: number): Promise<ReportPeriod> {
  const [oldest, purges] = await Promise.all([
    prisma.auditRecord.findFirst({ orderBy: { endTime: 'asc' }, select: { endTime: true } }),
    prisma.auditCheckpoint.count(),
  ]);
  if (!oldest) return { from: null, description: 'Het toegangslog bevat nog geen registraties: dit overzicht gaat tot het moment waarop het is gemaakt.' };
  const from = DATE.format(oldest.endTime);
  return {
    from: oldest.endTime.toISOString(),
    description: purges > 0
      ? `Vanaf ${from}: de oudste registratie die nog bewaard wordt. Registraties worden ${retentionDays} dagen bewaard; oudere zijn verwijderd.`
      : `Vanaf ${from}: de eerste registratie in het toegangslog (er is nog niets verwijderd; registraties worden ${retentionDays} dagen bewaard).`,
  };
}
