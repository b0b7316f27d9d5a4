// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    // Generated or built output only; everything we write is linted.
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'packages/api/src/schema.d.ts',
      'test-results/**',
      'playwright-report/**',
      'e2e/screenshots/**',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  pluginVue.configs['flat/recommended'],
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.node },
    },
  },
  {
    files: ['**/*.vue'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] },
    },
  },
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error', 'warn'] }],
      eqeqeq: ['error', 'always'],
      // Page components are `views/<domain>/<page>/index.vue` by convention.
      'vue/multi-word-component-names': 'off',
      // Layout is left to the author (no formatter is imposed on the templates).
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
    },
  },
  {
    // Labels come from the locale files only (docs: STYLE.md, convention 10).
    files: ['apps/*/src/**/*.vue'],
    rules: {
      'vue/no-bare-strings-in-template': 'error',
      'vue/require-explicit-emits': 'error',
      'vue/no-unused-refs': 'error',
      'vue/block-lang': ['error', { script: { lang: 'ts' } }],
    },
  },
);
