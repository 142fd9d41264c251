import { configDefaults, defineConfig } from 'vitest/config';

/** Tests of the end-to-end tier's own helpers that need no cluster: they run with the unit tests. */
const E2E_HELPER_TESTS = [
  'test/e2e/scenario-*.test.ts',
  'test/e2e/run-scenario.test.ts',
  'test/e2e/log-search-text.test.ts',
];

export default defineConfig({
  test: {
    reporters: ['default', './test/summary-line-reporter.ts'],
    // kafkajs 2.2.4 schedules a timer with a negative delay, which Node 24 reports on every run;
    // Node clamps it to 1 ms, which is what kafkajs means, so the warning is noise.
    execArgv: ['--disable-warning=TimeoutNegativeWarning'],
    projects: [
      {
        test: {
          name: 'unit',
          // Unit tests live next to the code they test.
          include: [
            'contract/**/*.test.ts',
            'bin/**/*.test.ts',
            'src/**/*.test.ts',
            'charts/**/*.test.ts',
            'operator/**/*.test.ts',
            'plugin/**/*.test.ts',
            'airflow/**/*.test.ts',
            'test/infra/**/*.test.ts',
            'test/packaging/**/*.test.ts',
            'test/architecture/**/*.test.ts',
            ...E2E_HELPER_TESTS,
          ],
        },
      },
      {
        test: {
          name: 'integration',
          // Against the real components started by test/infra (see test/infra/global-setup.ts).
          include: ['test/smoke/**/*.test.ts', 'test/integration/**/*.test.ts'],
          globalSetup: ['test/infra/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // The components are shared; files that load them heavily should not race each other on 2 cores.
          fileParallelism: false,
          // A project without file parallelism and no group order would run last, after the cluster's.
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'e2e',
          // Against a real kind cluster built here (test/e2e/global-setup.ts, `npm run kind:up`).
          include: ['test/e2e/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...E2E_HELPER_TESTS],
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 600_000,
          // Bringing the cluster up builds every image it needs on a cold machine.
          hookTimeout: 3_600_000,
          fileParallelism: false,
          // After the other tiers: the cluster's pods would slow their timing-sensitive tests on 2 cores.
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
