import { AdapterUnreachable } from '../adapter-client.ts';
import { askPeople, fail, pass, peopleList, type ConformanceCheck } from '../check.ts';
import { peopleQuery } from '../people-query.ts';
import { mixedBsns } from '../probe-keys.ts';

export const TIME_BUDGET_BATCH = 50;

/** A batch of 50 keys, all fields, answered completely within the time budget. */
export const timeBudget: ConformanceCheck = {
  name: 'time-budget',
  async run(context) {
    const keys = mixedBsns(TIME_BUDGET_BATCH);
    let answer;
    try {
      // Stop waiting just after the budget: how much later the answer would come does not matter.
      answer = await askPeople(context, peopleQuery(context.contract), keys, context.timeBudgetMs + 250);
    } catch (error) {
      if (error instanceof AdapterUnreachable && error.message.startsWith('no answer')) {
        return fail(`${keys.length} keys: no answer within the budget of ${context.timeBudgetMs} ms`);
      }
      throw error;
    }
    const people = peopleList(answer, keys.length);
    if (typeof people === 'string') return fail(`${keys.length} keys: ${people}`);
    if (answer.elapsedMs > context.timeBudgetMs) return fail(`${keys.length} keys took ${answer.elapsedMs} ms (budget ${context.timeBudgetMs} ms)`);
    return pass(`${keys.length} keys in ${answer.elapsedMs} ms (budget ${context.timeBudgetMs} ms)`);
  },
};
