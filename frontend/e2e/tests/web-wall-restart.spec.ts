import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { expect, test, type APIRequestContext, type Locator } from '@playwright/test';

import { USERS, webLogin, withoutTransitions } from './helpers';

/**
 * The wall screen survives a server restart. The suite's own server (8765) serves every other
 * spec, so this one starts a second server of its own (scripts/e2e-server.sh on 8766, fake WeCom
 * on 8794), stops it and starts it again on the same data directory and secret key: the database
 * and the signed-in session outlive the restart, as they do in production.
 */
const PORT = 8766;
const SERVER = `http://127.0.0.1:${PORT}`;
const frontendDir = fileURLToPath(new URL('../..', import.meta.url));
const secretKey = `e2e-${randomBytes(32).toString('base64url')}`;

/** Made in beforeAll (not at load: the runner process loads this file too, to list the tests). */
let dataDir = '';
let server: ChildProcess | null = null;
let starts = 0;

function logTail(path: string): string {
  try {
    return readFileSync(path, 'utf8').slice(-3000);
  } catch {
    return '';
  }
}

async function answers(): Promise<boolean> {
  try {
    return (await fetch(`${SERVER}/api/v1/auth/csrf/`, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Start e2e-server.sh in a process group of its own and wait until the API answers. */
async function startServer(timeoutMs: number): Promise<void> {
  expect(await answers(), `port ${PORT} is already taken by another server`).toBe(false);
  starts += 1;
  const log = `${dataDir}-server-${starts}.log`;
  const fd = openSync(log, 'w');
  const child = spawn('bash', ['../scripts/e2e-server.sh'], {
    cwd: frontendDir,
    detached: true, // its own process group: one signal reaches uvicorn, the scanners and fake WeCom
    stdio: ['ignore', fd, fd],
    env: {
      ...process.env,
      HITSM_E2E_PORT: String(PORT),
      HITSM_E2E_WECOM_PORT: '8794',
      HITSM_E2E_DATA_DIR: dataDir,
      HITSM_E2E_SECRET_KEY: secretKey,
      HITSM_E2E_FIXTURES: 'accounts',
    },
  });
  closeSync(fd);
  server = child;
  const deadline = Date.now() + timeoutMs;
  while (!(await answers())) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the server exited (${child.exitCode ?? child.signalCode}):\n${logTail(log)}`);
    }
    if (Date.now() > deadline) throw new Error(`the server did not answer within ${timeoutMs} ms:\n${logTail(log)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** SIGTERM to the whole process group; SIGKILL whatever is left after 15 s. */
async function stopServer(): Promise<void> {
  const pid = server?.pid;
  server = null;
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const deadline = Date.now() + 15_000;
  while (groupAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (groupAlive(pid)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone in between
    }
    while (groupAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A signed-in API session against this spec's server. */
async function signIn(
  playwright: { request: { newContext: (options: { baseURL: string }) => Promise<APIRequestContext> } },
  user: { username: string; password: string },
) {
  const context = await playwright.request.newContext({ baseURL: SERVER });
  const token = async () => (await context.storageState()).cookies.find((c) => c.name === 'csrftoken')?.value ?? '';
  await context.get('/api/v1/auth/csrf/');
  const login = await context.post('/api/v1/auth/login/', { data: user, headers: { 'X-CSRFToken': await token() } });
  expect(login.status(), `login of ${user.username}`).toBe(200);
  return {
    report: async (title: string) => {
      const response = await context.post('/api/v1/tickets/', {
        data: { kind: 'incident', title, description: '' },
        headers: { 'X-CSRFToken': await token() },
      });
      expect(response.status(), `new ticket: ${await response.text()}`).toBe(201);
    },
    dispose: () => context.dispose(),
  };
}

async function count(tile: Locator): Promise<number> {
  await expect(tile).toHaveText(/^\d+$/);
  return Number(await tile.innerText());
}

test.use({ viewport: { width: 1600, height: 900 }, actionTimeout: 15_000 });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dataDir = mkdtempSync('/tmp/hitsm-e2e-wall-');
  await startServer(170_000);
});

test.afterAll(async () => {
  await stopServer();
  if (!dataDir) return;
  rmSync(dataDir, { recursive: true, force: true });
  for (let n = 1; n <= starts; n += 1) rmSync(`${dataDir}-server-${n}.log`, { force: true });
});

test('the wall screen shows the lost connection while the server restarts, reconnects on its own and counts new tickets', async ({
  browser,
  playwright,
}) => {
  test.setTimeout(120_000);
  const context = await browser.newContext({ baseURL: SERVER });
  await withoutTransitions(context);
  const page = await context.newPage();
  await webLogin(page, USERS.agent);
  const nurse = await signIn(playwright, USERS.nurse);
  const stamp = Date.now().toString(36);

  // The wall, held on the queues page; it is connected and counts live.
  await page.goto('/wall?seconds=600');
  await expect(page.getByTestId('wall')).toBeVisible();
  await page.getByTestId('wall-pause').click();
  await expect(page.getByTestId('wall')).toHaveAttribute('data-page', 'queues');
  const connection = page.getByTestId('wall-connection');
  await expect(connection).toHaveAttribute('data-status', 'open');
  const intake = page.getByTestId('board-tile-intake').getByTestId('board-tile-value');
  const newToday = page.getByTestId('board-tile-new_today').getByTestId('board-tile-value');
  const before = { intake: await count(intake), today: await count(newToday) };
  await nurse.report(`重启测试${stamp} 护士站打印机卡纸`);
  await expect(intake).toHaveText(String(before.intake + 1), { timeout: 5_000 });
  await expect(newToday).toHaveText(String(before.today + 1), { timeout: 5_000 });

  // Marks this page load: a reload would lose it.
  await page.evaluate(() => ((window as unknown as { wallLoad: string }).wallLoad = 'first'));

  // The server goes down: the wall says so and keeps the last numbers.
  await stopServer();
  await expect(connection).toHaveAttribute('data-status', 'closed', { timeout: 10_000 });
  await expect(intake).toHaveText(String(before.intake + 1));

  // The server comes back (same database, same key: the session is still valid). The socket
  // retries with back-off (1, 2, 4, 8, 16 s, up to 20% longer): it must reconnect by itself.
  await startServer(60_000);
  await expect(connection).toHaveAttribute('data-status', 'open', { timeout: 45_000 });
  expect(await page.evaluate(() => (window as unknown as { wallLoad?: string }).wallLoad)).toBe('first');
  await expect(page).toHaveURL(/\/wall/);

  // A ticket reported after the restart reaches the wall over the new connection.
  await nurse.report(`重启测试${stamp} 叫号屏无声音`);
  await expect(intake).toHaveText(String(before.intake + 2), { timeout: 5_000 });
  await expect(newToday).toHaveText(String(before.today + 2), { timeout: 5_000 });
  await expect(page.getByTestId('wall-stale')).toHaveCount(0);

  await nurse.dispose();
  await context.close();
});
