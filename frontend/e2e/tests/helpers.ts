import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

import { expect, test, type APIRequestContext, type APIResponse, type BrowserContext, type Page } from '@playwright/test';

export const USERS = {
  admin: { username: 'admin', password: 'Admin@Hitsm2026' },
  nurse: { username: 'nurse_li', password: 'Nurse@Hitsm2026' },
  agent: { username: 'agent_chen', password: 'Agent@Hitsm2026' },
  manager: { username: 'manager_zhao', password: 'Manager@Hitsm2026' },
  lock: { username: 'lock_test', password: 'Lock@Hitsm2026' },
  engineer: { username: 'engineer_wang', password: 'Engineer@Hitsm2026' },
  // 三员分立 and masking (web-audit.spec.ts; scripts/e2e-server.sh makes them)
  auditor: { username: 'auditor_sun', password: 'Auditor@Hitsm2026' },
  security: { username: 'security_qian', password: 'Security@Hitsm2026' },
  unlock: { username: 'unlock_test', password: 'Unlock@Hitsm2026' },
  colleague: { username: 'nurse_he', password: 'NurseHe@Hitsm2026' },
} as const;

export const screenshotDir = fileURLToPath(new URL('../screenshots/', import.meta.url));

export function screenshotPath(name: string): string {
  mkdirSync(screenshotDir, { recursive: true });
  return `${screenshotDir}${name}.png`;
}

export interface LoginAnswer {
  status: number;
  /** The error envelope's code, when the login failed. */
  code: string | null;
}

/** Submit the web login form and wait for the server's answer. */
export async function submitWebLogin(page: Page, username: string, password: string): Promise<LoginAnswer> {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login/') && r.request().method() === 'POST'),
    page.getByTestId('login-submit').click(),
  ]);
  const body = (await response.json().catch(() => null)) as { error?: { code?: string } } | null;
  return { status: response.status(), code: body?.error?.code ?? null };
}

/**
 * Turn CSS transitions and animations off in a browser context. Element Plus animates every
 * dropdown and dialog, and Playwright waits for each to settle: in a long story on a busy machine
 * that adds up to many seconds. Nothing a story checks depends on them.
 */
export async function withoutTransitions(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const add = () => {
      const style = document.createElement('style');
      style.textContent = '*, *::before, *::after { transition-duration: 0s !important; transition-delay: 0s !important; animation-duration: 0s !important; animation-delay: 0s !important; }';
      document.head.append(style);
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', add);
    else add();
  });
}

export async function webLogin(page: Page, user: { username: string; password: string }): Promise<void> {
  await page.goto('/login');
  expect((await submitWebLogin(page, user.username, user.password)).status).toBe(200);
  await expect(page.getByTestId('side-menu')).toBeVisible();
}

/** Labels of the side menu, in order. */
export async function menuLabels(page: Page): Promise<string[]> {
  const items = page.getByTestId('side-menu').locator('.el-menu-item');
  return (await items.allInnerTexts()).map((text) => text.trim());
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A real PNG (a teal-to-white gradient with a dark "paper jam" band), made here so the suite
 * needs no binary fixtures; the server sniffs, verifies and thumbnails it like any photo.
 */
export function photoPng(width = 240, height = 160): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x += 1) {
      const band = y > height * 0.45 && y < height * 0.6;
      const shade = Math.round((x / width) * 200);
      row[1 + x * 3] = band ? 40 : 14 + shade;
      row[2 + x * 3] = band ? 40 : 124 + Math.round(shade / 2);
      row[3 + x * 3] = band ? 48 : 134 + Math.round(shade / 2);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Pick an Element Plus select option by its visible label. */
export async function chooseOption(page: Page, testId: string, label: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.getByRole('option', { name: label, exact: true }).click();
}

/**
 * Screenshot a web page whole: the layout scrolls inside `el-main`, so the window is made tall
 * enough for the content first (and restored afterwards).
 */
export async function pageScreenshot(page: Page, name: string): Promise<void> {
  const size = page.viewportSize() ?? { width: 1280, height: 720 };
  const needed = await page.locator('.main-layout__main').evaluate((element) => {
    element.scrollTo(0, 0);
    return element.getBoundingClientRect().top + element.scrollHeight;
  });
  await page.setViewportSize({ width: size.width, height: Math.max(size.height, Math.ceil(needed) + 8) });
  await page.screenshot({ path: screenshotPath(name) });
  await page.setViewportSize(size);
}

/** The server the tests run against (the project's `baseURL`, so another port works too). */
export function serverURL(): string {
  return test.info().project.use.baseURL ?? 'http://127.0.0.1:8765';
}

export interface ApiSession {
  get: (path: string) => Promise<unknown>;
  post: (path: string, data: unknown) => Promise<unknown>;
  patch: (path: string, data: unknown) => Promise<unknown>;
  put: (path: string, data: unknown) => Promise<unknown>;
  delete: (path: string) => Promise<unknown>;
  /** A CSV file as the `file` part of a multipart POST (imports). */
  upload: (path: string, name: string, text: string) => Promise<unknown>;
  dispose: () => Promise<void>;
}

/** API calls over a request context that holds a session (its cookies and CSRF token). */
function sessionOver(context: APIRequestContext, dispose: () => Promise<void>): ApiSession {
  const token = async () => (await context.storageState()).cookies.find((c) => c.name === 'csrftoken')?.value ?? '';
  const check = async (what: string, response: APIResponse) => {
    expect(response.ok(), `${what}: ${response.status()} ${await response.text()}`).toBe(true);
    return response.status() === 204 ? null : response.json();
  };
  const send = async (method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, data?: unknown) =>
    check(`${method} ${path}`, await context.fetch(path, { method, data: data as object | undefined, headers: { 'X-CSRFToken': await token() } }));
  return {
    get: async (path) => check(`GET ${path}`, await context.get(path)),
    post: (path, data) => send('POST', path, data),
    patch: (path, data) => send('PATCH', path, data),
    put: (path, data) => send('PUT', path, data),
    delete: (path) => send('DELETE', path),
    upload: async (path, name, text) =>
      check(
        `POST ${path}`,
        await context.post(path, {
          multipart: { file: { name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') } },
          headers: { 'X-CSRFToken': await token() },
        }),
      ),
    dispose,
  };
}

/** A signed-in API session (session cookie + CSRF), for preparing data without the UI. */
export async function apiSession(
  playwright: { request: { newContext: (options: { baseURL: string }) => Promise<APIRequestContext> } },
  user: { username: string; password: string },
): Promise<ApiSession> {
  const context = await playwright.request.newContext({ baseURL: serverURL() });
  await context.get('/api/v1/auth/csrf/');
  const token = async () => (await context.storageState()).cookies.find((c) => c.name === 'csrftoken')?.value ?? '';
  const login = await context.post('/api/v1/auth/login/', { data: user, headers: { 'X-CSRFToken': await token() } });
  expect(login.status(), `login of ${user.username}`).toBe(200);
  return sessionOver(context, () => context.dispose());
}

/** The API in the session of a page's signed-in user (no second sign-in; it ends with the page's context). */
export function pageApi(page: Page): ApiSession {
  return sessionOver(page.request, async () => undefined);
}

export interface ImportedUser {
  username: string;
  /** The password after the first sign-in's change. */
  password: string;
  /** The password the import gives (the server makes the user change it first). */
  initial: string;
  name: string;
  /** Department code, e.g. JYK (检验科, created by scripts/e2e-server.sh). */
  department: string;
  title?: string;
}

/**
 * A requester (医护人员) imported by CSV as the admin, who then replaces the initial password
 * over the API (the server serves nothing else before that); the change is skipped when the
 * initial password no longer signs in. Returns the user's id.
 */
export async function importRequester(
  playwright: Parameters<typeof apiSession>[0],
  admin: ApiSession,
  user: ImportedUser,
): Promise<number> {
  const csv = ['用户名,姓名,科室编码,职务,角色,初始密码', `${user.username},${user.name},${user.department},${user.title ?? ''},医护人员,${user.initial}`].join('\n');
  const job = (await admin.upload('/api/v1/user-imports/', `${user.username}.csv`, csv)) as { id: number };
  await expect
    .poll(async () => ((await admin.get(`/api/v1/jobs/${job.id}/`)) as { status: string }).status, { timeout: 30_000 })
    .toBe('succeeded');
  const found = (await admin.get(`/api/v1/users/?search=${encodeURIComponent(user.username)}`)) as { results: { id: number; username: string }[] };
  const id = found.results.find((row) => row.username === user.username)?.id;
  expect(id, `imported user ${user.username}`).toBeTruthy();

  const context = await playwright.request.newContext({ baseURL: serverURL() });
  try {
    await context.get('/api/v1/auth/csrf/');
    const token = async () => (await context.storageState()).cookies.find((c) => c.name === 'csrftoken')?.value ?? '';
    const login = await context.post('/api/v1/auth/login/', {
      data: { username: user.username, password: user.initial },
      headers: { 'X-CSRFToken': await token() },
    });
    if (login.status() === 200) {
      const change = await context.post('/api/v1/auth/password/', {
        data: { old_password: user.initial, new_password: user.password },
        headers: { 'X-CSRFToken': await token() },
      });
      expect(change.ok(), `password change: ${change.status()} ${await change.text()}`).toBe(true);
    }
  } finally {
    await context.dispose();
  }
  return id as number;
}
