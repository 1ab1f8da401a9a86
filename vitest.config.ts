import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real sockets and real SQLite files: give slow CI machines room, but fail rather than hang.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
