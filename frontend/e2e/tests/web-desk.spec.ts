import { expect, test } from '@playwright/test';

import { USERS, apiSession, webLogin } from './helpers';

test.use({ viewport: { width: 1600, height: 900 }, actionTimeout: 15_000 });

test('an agent works the queue from the keyboard, accepts in bulk and exports what the table shows', async ({ page, playwright }) => {
  // Three reports from the ward, prepared through the API as the nurse.
  const nurse = await apiSession(playwright, USERS.nurse);
  const stamp = Date.now().toString(36);
  for (const n of [1, 2, 3]) {
    await nurse.post('/api/v1/tickets/', { kind: 'incident', title: `键盘测试${stamp} 第${n}台电脑无法开机`, description: '' });
  }
  await nurse.dispose();

  await webLogin(page, USERS.agent);
  await page.goto('/desk');
  await page.getByTestId('desk-search').fill(`键盘测试${stamp}`);
  await page.getByTestId('desk-search').press('Enter');
  const rows = page.getByTestId('desk-table').locator('.el-table__body-wrapper .el-table__row');
  await expect(rows).toHaveCount(3);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

  // j / k move through the queue; the detail follows without a page load.
  const first = (await rows.nth(0).locator('.ticket-table__number span').first().innerText()).trim();
  const second = (await rows.nth(1).locator('.ticket-table__number span').first().innerText()).trim();
  const detailNumber = page.getByTestId('desk-detail').getByTestId('ticket-number');
  await page.keyboard.press('j');
  await expect(detailNumber).toHaveText(first);
  await page.keyboard.press('j');
  await expect(detailNumber).toHaveText(second);
  await page.keyboard.press('k');
  await expect(detailNumber).toHaveText(first);

  // ? shows the help; a accepts the selected ticket.
  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcut-help-panel')).toBeVisible();
  await expect(page.getByTestId('shortcut-help-panel')).toContainText('下一张工单');
  await page.keyboard.press('?');
  await expect(page.getByTestId('shortcut-help-panel')).toBeHidden();
  await page.keyboard.press('a');
  await expect(page.getByTestId('desk-detail').getByTestId('ticket-header').getByTestId('status-tag')).toHaveText('待派发');
  await expect(rows).toHaveCount(2);

  // The other two in one go.
  await page.getByTestId('desk-table').locator('.el-table__header .el-checkbox').click();
  await expect(page.getByTestId('desk-bulk')).toContainText('已选 2 张');
  await page.getByTestId('bulk-accept').click();
  await expect(page.locator('.el-message', { hasText: '成功 2 张，未完成 0 张' })).toBeVisible();
  await expect(rows).toHaveCount(0);

  // Export exactly the current filter (all open tickets matching the search) to Excel.
  await page.getByTestId('queue-open').click();
  await expect(rows).toHaveCount(3);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('desk-export').click()]);
  expect(download.suggestedFilename()).toMatch(/^tickets-\d{8}-\d{4}\.xlsx$/);
});
