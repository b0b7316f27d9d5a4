import { readFileSync } from 'node:fs';

import { expect, test, type Page } from '@playwright/test';

import { USERS, apiSession, menuLabels, screenshotPath, submitWebLogin, webLogin, withoutTransitions } from './helpers';
import { zipText } from './xlsx';

// 三员分立 (docs/admin/security.md): the auditor's pages, the security officer's unlock, and the
// masking of personal numbers for viewers who need not see them.

test.use({ viewport: { width: 1600, height: 900 }, actionTimeout: 15_000 });
test.beforeEach(async ({ context }) => withoutTransitions(context));

interface Department {
  id: number;
  code: string;
  phone: string;
}

async function searchUsers(page: Page, username: string): Promise<void> {
  await page.getByTestId('nav-users').click();
  await page.getByTestId('users-search').fill(username);
  await page.getByTestId('users-search').press('Enter');
  await expect(page.getByTestId('users-table').locator('.el-table__body-wrapper .el-table__row')).toHaveCount(1);
}

test('the auditor filters the change log, opens a change, exports it; the admin has no audit pages', async ({ page, browser, playwright }) => {
  // The administrator changes 门诊部's phone: one row in the change log, by admin, from this address.
  const admin = await apiSession(playwright, USERS.admin);
  const departments = (await admin.get('/api/v1/departments/?page_size=200')) as { results: Department[] };
  const outpatient = departments.results.find((d) => d.code === 'MZ');
  expect(outpatient).toBeDefined();
  const phone = `8${Date.now() % 1000}`.padEnd(4, '0');
  const before = outpatient?.phone ?? '';
  await admin.patch(`/api/v1/departments/${outpatient?.id}/`, { phone });
  await admin.dispose();

  await webLogin(page, USERS.auditor);
  expect(await menuLabels(page)).toEqual(expect.arrayContaining(['操作日志', '登录日志', '审计封存']));
  await page.getByTestId('nav-audit_changes').click();
  await expect(page.getByTestId('audit-change-table')).toBeVisible();

  await page.getByTestId('audit-actor').fill('admin');
  await page.getByTestId('audit-object-type').fill('accounts.department');
  const [listed] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/v1/audit/changes/?') && r.url().includes('object_type=accounts.department')),
    page.getByTestId('audit-search').click(),
  ]);
  expect(listed.status()).toBe(200);
  expect(listed.url()).toContain('actor=admin');
  const rows = page.getByTestId('audit-change-table').locator('.el-table__body-wrapper .el-table__row:not(.el-table__expanded-cell)');
  const first = rows.first();
  await expect(first).toContainText('门诊部');
  await expect(first).toContainText('phone');
  await expect(page.getByTestId('audit-change-table').locator('.el-table__body-wrapper')).not.toContainText('accounts.user');

  // The row opens on its before/after diff of the changed fields.
  await first.locator('.el-table__expand-icon').click();
  const diff = page.getByTestId('audit-change-diff').first();
  await expect(diff).toBeVisible();
  await expect(diff).toContainText('phone');
  await expect(diff.locator('.change-diff__value--after').first()).toHaveText(phone);
  if (before) await expect(diff.locator('.change-diff__value--before').first()).toHaveText(before);
  await page.screenshot({ path: screenshotPath('web-audit-changes'), fullPage: true });

  // Excel under the same filters: this change in, other object types out.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-export').click()]);
  expect(download.suggestedFilename()).toMatch(/^audit-changes-\d{8}-\d{4}\.xlsx$/);
  const strings = zipText(readFileSync(await download.path()), 'xl/');
  expect(strings).toContain('门诊部');
  expect(strings).toContain(phone);
  expect(strings).toContain('accounts.department');
  expect(strings).not.toContain('accounts.user');

  // The sign-in log and the seals with the check of the newest ones.
  await page.getByTestId('nav-audit_logins').click();
  await expect(page.getByTestId('audit-login-table')).toContainText('auditor_sun');
  await page.getByTestId('nav-audit_seals').click();
  const result = page.getByTestId('audit-verify-result');
  await expect(result).toBeVisible();
  await expect(result).toHaveAttribute('data-ok', 'true');
  await expect(result).toContainText('哈希链校验通过');

  // The administrator: no audit menu, the page refused, the API 403.
  const adminContext = await browser.newContext();
  await withoutTransitions(adminContext);
  const adminPage = await adminContext.newPage();
  await webLogin(adminPage, USERS.admin);
  const labels = await menuLabels(adminPage);
  for (const label of ['操作日志', '登录日志', '审计封存']) expect(labels).not.toContain(label);
  await adminPage.goto('/audit/changes');
  await expect(adminPage.getByTestId('audit-change-table')).toHaveCount(0);
  expect((await adminPage.request.get('/api/v1/audit/changes/')).status()).toBe(403);
  await adminContext.close();
});

test('the security officer unlocks a locked account and sees its mobile number; the IT manager sees it masked', async ({ page, browser, playwright }) => {
  // unlock_test locks itself out with wrong passwords.
  const lockPage = await browser.newPage();
  await lockPage.goto('/login');
  let locked = false;
  for (let attempt = 1; attempt <= 6 && !locked; attempt += 1) {
    locked = (await submitWebLogin(lockPage, USERS.unlock.username, `wrong-${attempt}`)).code === 'auth.locked';
  }
  expect(locked).toBe(true);
  await lockPage.close();
  const admin = await apiSession(playwright, USERS.admin);
  const found = (await admin.get(`/api/v1/users/?search=${USERS.unlock.username}`)) as { results: { id: number }[] };
  await admin.patch(`/api/v1/users/${found.results[0]?.id}/`, { mobile: '13912345678' });
  await admin.dispose();

  await webLogin(page, USERS.security);
  await searchUsers(page, USERS.unlock.username);
  const row = page.getByTestId('users-table').locator('.el-table__body-wrapper .el-table__row').first();
  await expect(row).toContainText('已锁定');
  await expect(row.getByTestId('user-mobile')).toHaveText('13912345678');
  await row.getByTestId('unlock').click();
  const [unlocked] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/unlock/') && r.request().method() === 'POST'),
    page.locator('.el-message-box').getByRole('button', { name: '确定' }).click(),
  ]);
  expect(unlocked.status()).toBe(204);
  await expect(row).not.toContainText('已锁定');
  await page.screenshot({ path: screenshotPath('web-security-unlock'), fullPage: true });

  // Unlocked: the right password works again.
  const again = await browser.newPage();
  await webLogin(again, USERS.unlock);
  await again.close();

  // The IT manager looks the account up too, with the mobile number masked and no unlock.
  const managerContext = await browser.newContext();
  await withoutTransitions(managerContext);
  const manager = await managerContext.newPage();
  await webLogin(manager, USERS.manager);
  await searchUsers(manager, USERS.unlock.username);
  await expect(manager.getByTestId('user-mobile')).toHaveText('139****5678');
  await expect(manager.getByTestId('users-table')).not.toContainText('13912345678');
  await managerContext.close();
});

test('a colleague of the department sees the contact phone of a ticket masked, the requester in full', async ({ page, browser, playwright }) => {
  const nurse = await apiSession(playwright, USERS.nurse);
  const stamp = Date.now().toString(36);
  const ticket = (await nurse.post('/api/v1/tickets/', {
    kind: 'incident',
    title: `掩码测试${stamp} 护士站电脑无法登录 HIS`,
    description: '',
    contact_phone: '13812345678',
  })) as { id: number };
  await nurse.dispose();

  await webLogin(page, USERS.colleague);
  await page.goto(`/tickets/${ticket.id}`);
  await expect(page.getByTestId('ticket-title')).toContainText(`掩码测试${stamp}`);
  await expect(page.getByTestId('ticket-contact-phone')).toHaveText('138****5678');
  expect(await page.content()).not.toContain('13812345678');
  await page.screenshot({ path: screenshotPath('web-masked-contact-phone') });

  const ownContext = await browser.newContext();
  const own = await ownContext.newPage();
  await webLogin(own, USERS.nurse);
  await own.goto(`/tickets/${ticket.id}`);
  await expect(own.getByTestId('ticket-contact-phone')).toHaveText('13812345678');
  await ownContext.close();
});
