/**
 * Whether an error means "the database could not be used" (down, unreachable, a lock or statement
 * timeout, the pool exhausted), as opposed to a bug or bad input. Errors come from Prisma (over the
 * driver adapter), from node-postgres directly (the access log's INSERT) or from the socket.
 */

/**
 * SQLSTATE classes and codes of a database that cannot serve now (not of a wrong statement); 55000 is what
 * a connection to a database that does not allow connections (`ALLOW_CONNECTIONS false`) is refused with.
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|57|58)|^55P03$|^55000$|^3D000$|^40001$|^40P01$/;
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** node-postgres's own messages for a connection it could not get or lost. */
const PG_CLIENT_MESSAGES = /timeout exceeded when trying to connect|Connection terminated|Query read timeout|Client has encountered a connection error|Cannot use a pool after calling end/;
/** Prisma's errors for the database (not for data): P1xxx connection, P2024 pool timeout, P2039 driver adapter. */
const PRISMA_UNAVAILABLE = /^(P1\d{3}|P2024|P2034|P2039)$/;

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    if (typeof current !== 'object') return false;
    const { name, code, message } = current as { name?: unknown; code?: unknown; message?: unknown };
    const constructorName = (current as object).constructor?.name;
    if (typeof name === 'string' && /^PrismaClient(Initialization|UnknownRequest|RustPanic)Error$/.test(name)) return true;
    if (name === 'PrismaClientKnownRequestError' && typeof code === 'string' && PRISMA_UNAVAILABLE.test(code)) return true;
    if (name === 'DriverAdapterError') return true;
    if (constructorName === 'DatabaseError' && typeof code === 'string' && UNAVAILABLE_SQLSTATE.test(code)) return true;
    if (typeof code === 'string' && SOCKET_CODES.has(code)) return true;
    if (typeof message === 'string' && PG_CLIENT_MESSAGES.test(message)) return true;
    current = (current as { originalError?: unknown }).originalError ?? (current as { cause?: unknown }).cause;
  }
  return false;
}
