import { GraphQLError } from 'graphql';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { Prisma } from '../../src/db/generated/client.ts';
import { isDatabaseUnavailable } from '../../src/health/database-failure.ts';

const pgError = (code: string) => Object.assign(new pg.DatabaseError('message', 0, 'error'), { code });
const prismaError = (code: string) => new Prisma.PrismaClientKnownRequestError('message', { code, clientVersion: 'test' });
const socketError = (code: string) => Object.assign(new Error('connect failed'), { code });

describe('isDatabaseUnavailable: a database that cannot serve now, not a wrong statement or a bug', () => {
  it.each([
    ['lock timeout (55P03)', pgError('55P03')],
    ['statement timeout (57014)', pgError('57014')],
    ['terminated by the administrator (57P01)', pgError('57P01')],
    ['connection failure (08006)', pgError('08006')],
    ['too many connections (53300)', pgError('53300')],
    ['database gone (3D000)', pgError('3D000')],
    ['database not accepting connections (55000)', pgError('55000')],
    ['Prisma: driver adapter error (P2039)', prismaError('P2039')],
    ['Prisma: cannot reach the server (P1001)', prismaError('P1001')],
    ['Prisma: pool timeout (P2024)', prismaError('P2024')],
    ['connection refused', socketError('ECONNREFUSED')],
    ['pool could not connect in time', new Error('timeout exceeded when trying to connect')],
    ['connection lost', new Error('Connection terminated unexpectedly')],
    ['wrapped twice in GraphQL errors', new GraphQLError('Internal error', { originalError: new GraphQLError('x', { originalError: pgError('55P03') }) })],
    ['as the cause of another error', new Error('loading failed', { cause: prismaError('P2039') })],
  ])('yes: %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['syntax error (42601)', pgError('42601')],
    ['unique violation (23505)', pgError('23505')],
    ['Prisma: unique constraint (P2002)', prismaError('P2002')],
    ['Prisma: record not found (P2025)', prismaError('P2025')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a GraphQL error of our own', new GraphQLError('Consent is required', { extensions: { code: 'CONSENT_REQUIRED' } })],
    ['not an error', 'ECONNREFUSED'],
    ['nothing', undefined],
  ])('no: %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
