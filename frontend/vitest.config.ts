import { defineConfig } from 'vitest/config';

// One run over every workspace (each has its own vitest.config.ts with a project name).
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
  },
});
