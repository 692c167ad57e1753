import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    setupFiles: ['reflect-metadata'],
    reporters: ['default', './tools/testing/summary-reporter.ts'],
  },
});
