// Prisma CLI configuration. Only `prisma generate` is run here (see README: migrations are applied by
// the hub's own migrator); the datasource URL is given to the driver adapter at run time.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
