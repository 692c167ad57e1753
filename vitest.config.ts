import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    setupFiles: ['reflect-metadata'],
    // CI machines are shared and noisy: a test that starts a process (tsx, a bridge, socat) can
    // take several times its usual second there. Tests that need longer say so themselves.
    testTimeout: 30_000,
    reporters: ['default', './tools/testing/summary-reporter.ts'],
  },
});
