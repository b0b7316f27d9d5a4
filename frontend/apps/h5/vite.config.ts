import { fileURLToPath } from 'node:url';

import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const backend = process.env.HITSM_BACKEND_URL ?? 'http://127.0.0.1:8000';

// Built assets are served by Django under /static/h5/; the portal itself answers at /h5/.
export default defineConfig(({ command }) => ({
  base: command === 'build' ? '/static/h5/' : '/h5/',
  plugins: [vue()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  define: {
    __VUE_OPTIONS_API__: 'true',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'true',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    host: '127.0.0.1',
    port: 5174,
    proxy: {
      '/api': { target: backend },
      '/ws': { target: backend, ws: true },
      '/admin/django': { target: backend },
      '^/static/(?!h5/)': { target: backend },
    },
  },
}));
