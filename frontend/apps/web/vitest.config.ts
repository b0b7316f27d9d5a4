import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';

import { defineProject } from 'vitest/config';

export default defineProject({
  plugins: [vue()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  test: {
    name: 'web',
    environment: 'jsdom',
    include: ['tests/**/*.test.ts'],
  },
});
