// The container part of the test command (tools/containers/ci.sh): the compose proof (deploy/test) and
// integration suites re-run with their brokers in containers. Same aliases as the root config.
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import root from '../../vitest.config';

export default defineConfig({
  root: resolve(__dirname, '../..'),
  resolve: root.resolve,
  test: {
    name: 'containers',
    include: ['deploy/test/**/*.int.spec.ts', '{apps,libs,tools}/**/*.int.spec.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    globalSetup: ['libs/testing/vitest/global-setup.ts'],
    setupFiles: ['libs/testing/vitest/broker-env.ts'],
    testTimeout: 120_000,
    hookTimeout: 900_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
