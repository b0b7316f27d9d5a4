import { expect, test } from '@playwright/test';

import { USERS, screenshotPath, webLogin } from './helpers';

test('a nurse signs in, sees her workspace in Chinese, switches to English and signs out', async ({ page }) => {
  await webLogin(page, USERS.nurse);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator('.app-header__title')).toHaveText('工作台');
  await expect(page.getByTestId('home-greeting')).toContainText('李护士');
  await expect(page.getByTestId('home-department')).toContainText('门诊部');
  await expect(page.getByTestId('role-card')).toContainText('医护人员');
  await page.screenshot({ path: screenshotPath('web-home-nurse'), fullPage: true });

  await page.getByTestId('lang-switch').click();
  await expect(page.locator('.app-header__title')).toHaveText('Workspace');
  await expect(page.getByTestId('side-menu')).toContainText('Workspace');
  await expect(page.getByTestId('home-greeting')).toContainText(/Good (morning|day|afternoon|evening), 李护士/);
  await expect(page.getByTestId('role-card')).toContainText('Clinical staff');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  // The choice survives a reload.
  await page.reload();
  await expect(page.locator('.app-header__title')).toHaveText('Workspace');

  await page.getByTestId('user-menu').click();
  await page.getByTestId('logout').click();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByTestId('login-submit')).toHaveText(/Sign in/);

  // Signed out for real: the workspace sends us back to the login page.
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
});

test('a nurse who opens a page outside her menu sees the 403 page', async ({ page }) => {
  await webLogin(page, USERS.nurse);
  await page.goto('/admin/users');
  await expect(page.getByTestId('forbidden')).toBeVisible();
  await expect(page.getByTestId('forbidden')).toContainText('无访问权限');
  await expect(page.getByTestId('users-table')).toHaveCount(0);
});

test('a visitor without a session is sent to login and back to the page afterwards', async ({ page }) => {
  await page.goto('/security');
  await expect(page).toHaveURL(/\/login\?next=(%2F|\/)security$/);
  await page.getByTestId('login-username').fill(USERS.nurse.username);
  await page.getByTestId('login-password').fill(USERS.nurse.password);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/security$/);
  await expect(page.getByTestId('password-form')).toBeVisible();
});
