import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure logic, no servers; runs in this repo's pre-commit hook) and
// `integration` (real MariaDB, real Django, real git). One throwaway MariaDB serves the whole
// integration run; each test makes its own database on it.
export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.unit.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.unit.test.ts', 'node_modules/**'],
          globalSetup: ['test/helpers/global-setup.ts'],
        },
      },
    ],
  },
});
