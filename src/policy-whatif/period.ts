/** The period a dry run replays: `--from`/`--to` as ISO dates or moments, by default the last 30 days. */

export interface Period {
  from: Date;
  /** Exclusive: records that started before this moment. */
  to: Date;
}

/** Bad input to the dry run (a date, a candidate); the message names the option, never personal data. */
export class WhatIfInputError extends Error {
  override name = 'WhatIfInputError';
  constructor(message: string, readonly problems: readonly string[] = []) {
    super(message);
  }
}

export const DEFAULT_PERIOD_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The period from the options. A date alone is a whole day in UTC: `--to 2026-11-24` includes that day.
 * A moment needs its offset (`Z` or `+01:00`), so nobody's local clock decides what is replayed.
 */
export function periodOf(options: { from?: string; to?: string }, now = new Date()): Period {
  const to = options.to !== undefined ? parseBound('--to', options.to, 'end') : now;
  const from = options.from !== undefined ? parseBound('--from', options.from, 'start') : new Date(to.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS);
  if (from >= to) throw new WhatIfInputError(`--from must be before --to (the period ${from.toISOString()} to ${to.toISOString()} is empty)`);
  return { from, to };
}

function parseBound(option: string, text: string, side: 'start' | 'end'): Date {
  const usage = `${option}: expected an ISO date (2026-11-24) or a moment with its offset (2026-11-24T13:00:00Z)`;
  if (DATE.test(text)) {
    const day = new Date(`${text}T00:00:00Z`);
    // 2026-02-30 parses to March: a date that does not exist is refused, not moved.
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== text) throw new WhatIfInputError(usage);
    return side === 'start' ? day : new Date(day.getTime() + DAY_MS);
  }
  const moment = MOMENT.test(text) ? new Date(text) : undefined;
  if (!moment || Number.isNaN(moment.getTime())) throw new WhatIfInputError(usage);
  return moment;
}

/** The period as sent to a running hub, and read back there. */
export function periodToJson(period: Period): { from: string; to: string } {
  return { from: period.from.toISOString(), to: period.to.toISOString() };
}

export function periodFromJson(value: unknown): Period {
  const { from, to } = (value ?? {}) as { from?: unknown; to?: unknown };
  if (typeof from !== 'string' || typeof to !== 'string') throw new WhatIfInputError('period: from and to must be ISO moments');
  return periodOf({ from, to });
}
