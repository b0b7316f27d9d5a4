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
    setupFiles: ['tests/setup.ts'],
    // Let Vite transform Element Plus: natively loaded, its ESM build gets async-validator's
    // CommonJS module object instead of the class and form validation silently passes.
    server: { deps: { inline: ['element-plus'] } },
  },
});
