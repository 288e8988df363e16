// The real @prisma/streams-local needs Node 22 (node:sqlite) and is loaded only by `prisma dev`, which this
// project does not use: its migrations are applied by src/db/migrate.ts. See package.json "overrides".
export async function startLocalDurableStreamsServer() {
  throw new Error('Prisma Streams (`prisma dev`) needs Node 22 and is not available in ontschot, which runs on Node 20');
}
