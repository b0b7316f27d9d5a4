import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'locales', environment: 'node', include: ['tests/**/*.test.ts'] },
});
