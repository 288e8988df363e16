import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase, type HubDatabase } from '../../src/db/connect.ts';
import { syncProcessingActivities } from '../../src/audit/processing-activities.ts';
import { describeWithPostgres } from '../support/postgres.ts';

describeWithPostgres('register of processing activities', (database) => {
  let db: HubDatabase;
  beforeAll(async () => {
    db = await openDatabase({ databaseUrl: database().url });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('keeps one entry per purpose and a new version for each changed description', async () => {
    const first = await syncProcessingActivities(db.prisma, new Map([['wijkteam-ondersteuning', 'Ondersteuning'], ['privacy-toezicht', 'Toezicht']]));
    expect(first.get('wijkteam-ondersteuning')).toBe('https://ontschot.example/verwerkingsactiviteiten/wijkteam-ondersteuning/v1');

    // Unchanged: no new version, even when two gateways sync at the same time.
    const [again, alsoAgain] = await Promise.all([
      syncProcessingActivities(db.prisma, new Map([['wijkteam-ondersteuning', 'Ondersteuning'], ['privacy-toezicht', 'Toezicht']])),
      syncProcessingActivities(db.prisma, new Map([['wijkteam-ondersteuning', 'Ondersteuning'], ['privacy-toezicht', 'Toezicht']])),
    ]);
    expect(again).toEqual(first);
    expect(alsoAgain).toEqual(first);

    const changed = await syncProcessingActivities(db.prisma, new Map([['wijkteam-ondersteuning', 'Ondersteuning van het huishouden'], ['privacy-toezicht', 'Toezicht']]));
    expect(changed.get('wijkteam-ondersteuning')).toBe('https://ontschot.example/verwerkingsactiviteiten/wijkteam-ondersteuning/v2');
    expect(changed.get('privacy-toezicht')).toBe('https://ontschot.example/verwerkingsactiviteiten/privacy-toezicht/v1');

    const rows = await db.prisma.processingActivity.findMany({ where: { purpose: 'wijkteam-ondersteuning' }, orderBy: { version: 'asc' } });
    expect(rows.map((row) => [row.version, row.description])).toEqual([[1, 'Ondersteuning'], [2, 'Ondersteuning van het huishouden']]);
  });
});
