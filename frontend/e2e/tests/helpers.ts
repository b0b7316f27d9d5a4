import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { expect, type Page } from '@playwright/test';

export const USERS = {
  admin: { username: 'admin', password: 'Admin@Hitsm2026' },
  nurse: { username: 'nurse_li', password: 'Nurse@Hitsm2026' },
  agent: { username: 'agent_chen', password: 'Agent@Hitsm2026' },
  manager: { username: 'manager_zhao', password: 'Manager@Hitsm2026' },
  lock: { username: 'lock_test', password: 'Lock@Hitsm2026' },
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
