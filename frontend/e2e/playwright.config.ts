import { fileURLToPath } from 'node:url';

import { defineConfig, devices } from '@playwright/test';

const frontendDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * End-to-end tests against the real backend (scripts/e2e-server.sh: fresh SQLite database, the
 * built apps, test accounts). Run `npm run build` first. Uses Debian's Chromium; Playwright's
 * own browser downloads are never used.
 */
export default defineConfig({
  testDir: './tests',
  outputDir: '../test-results',
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never', outputFolder: '../playwright-report' }]],
  use: {
    baseURL: 'http://127.0.0.1:8765',
    headless: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // A fake microphone that needs no prompt: the H5 voice note records a tone (h5-servicedesk).
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }],
  webServer: {
    command: 'bash ../scripts/e2e-server.sh',
    cwd: frontendDir,
    url: 'http://127.0.0.1:8765/api/v1/auth/csrf/',
    reuseExistingServer: !process.env.CI,
    timeout: 300_000, // migrate + fixtures take 2–4 min on a busy 2-core machine
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
