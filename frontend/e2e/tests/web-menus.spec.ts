import { expect, test } from '@playwright/test';

import { USERS, menuLabels, screenshotPath, webLogin } from './helpers';

test('admin, agent and nurse each get the menu the server gives their role', async ({ browser }) => {
  const menus: Record<string, string[]> = {};
  for (const [name, user] of [
    ['admin', USERS.admin],
    ['agent', USERS.agent],
    ['nurse', USERS.nurse],
  ] as const) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await webLogin(page, user);
    menus[name] = await menuLabels(page);
    if (name === 'admin') {
      await expect(page.getByTestId('home-greeting')).toContainText('平台管理员');
      await page.screenshot({ path: screenshotPath('web-home-admin'), fullPage: true });
    }
    await context.close();
  }

  expect(menus.admin).toContain('用户管理');
  expect(menus.admin).toContain('系统状态');
  expect(menus.nurse).toContain('工作台');
  expect(menus.nurse).not.toContain('用户管理');
  expect(menus.agent).not.toContain('用户管理');
  expect(menus.agent).toContain('后台任务');
  expect(new Set([menus.admin, menus.agent, menus.nurse].map((m) => m?.join('|'))).size).toBe(3);
});

test('the admin pages load real data', async ({ page }) => {
  await webLogin(page, USERS.admin);

  await page.getByTestId('nav-users').click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByTestId('users-table')).toContainText('李护士');
  await page.screenshot({ path: screenshotPath('web-users') });

  await page.getByTestId('nav-departments').click();
  await expect(page.getByTestId('departments-table')).toContainText('门诊部');

  await page.getByTestId('nav-system').click();
  await expect(page.getByTestId('health-database')).toContainText('正常');
  await page.screenshot({ path: screenshotPath('web-system') });

  await page.getByTestId('nav-tokens').click();
  await page.getByTestId('token-create').click();
  await page.getByTestId('token-name').fill('e2e token');
  await page.getByTestId('token-submit').click();
  await expect(page.getByTestId('token-key')).toBeVisible();
  await page.screenshot({ path: screenshotPath('web-token-created') });
});
