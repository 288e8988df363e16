import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql ships CJS (main) and ESM (module). Node loads the CJS one for the @graphql-tools packages;
    // Vite would give our own code the ESM one, and graphql refuses types from "another realm". One copy.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file starts its own servers on free ports and its own database; two at a time suits 2 cores.
    maxWorkers: 2,
  },
});
