import { expect, test } from '@playwright/test';

import { USERS, screenshotPath, webLogin } from './helpers';

test('an admin imports users from a CSV file and follows the job to completion', async ({ page }) => {
  await webLogin(page, USERS.admin);
  await page.getByTestId('nav-user_import').click();
  await expect(page).toHaveURL(/\/admin\/user-import$/);
  await expect(page.getByTestId('import-template')).toHaveAttribute('href', '/api/v1/user-imports/template/');

  const csv = ['用户名,姓名,科室编码,职务,角色', 'doctor_wang,王医生,MZ,主治医师,医护人员'].join('\n');
  await page
    .getByTestId('import-upload')
    .locator('input[type=file]')
    .setInputFiles({ name: 'users.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  await page.getByRole('button', { name: '开始导入' }).click();

  const job = page.getByTestId('import-job');
  await expect(job).toContainText('导入完成', { timeout: 30_000 });
  await expect(job).toContainText('新建用户');
  await page.screenshot({ path: screenshotPath('web-import-done'), fullPage: true });

  await page.getByTestId('nav-users').click();
  await expect(page.getByTestId('users-table')).toContainText('王医生');
});

test('a rejected import shows every problem with its row', async ({ page }) => {
  await webLogin(page, USERS.admin);
  await page.getByTestId('nav-user_import').click();
  const csv = ['用户名,姓名,科室编码', 'ghost_user,幽灵,NOPE'].join('\n');
  await page
    .getByTestId('import-upload')
    .locator('input[type=file]')
    .setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  await page.getByRole('button', { name: '开始导入' }).click();
  const job = page.getByTestId('import-job');
  await expect(job).toContainText('导入失败', { timeout: 30_000 });
  await expect(job).toContainText('NOPE');
});
