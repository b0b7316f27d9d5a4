import { readFileSync } from 'node:fs';

import { expect, test } from '@playwright/test';

import { USERS, menuLabels, pageScreenshot, screenshotPath, webLogin } from './helpers';
import { zipText } from './xlsx';

// The data comes from scripts/e2e-server.sh: this month, department 检验科 has three incidents,
// one of them without a configuration item, and three tickets resolved by 王工.

test.use({ viewport: { width: 1600, height: 900 }, actionTimeout: 15_000 });

/** The current month in the hospital's time zone, as the board and the export name it. */
function thisMonth(): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).formatToParts(new Date());
  return `${parts.find((p) => p.type === 'year')?.value}-${parts.find((p) => p.type === 'month')?.value}`;
}

test('a manager reads the month’s KPIs, drills into the incidents without a CI and exports the board', async ({ page }) => {
  const period = thisMonth();
  await webLogin(page, USERS.manager);
  await page.getByTestId('nav-kpi_board').click();
  await expect(page).toHaveURL(/\/kpi$/);

  // The five layers, in the hospital's order; satisfaction comes from the surveys now.
  await expect(page.locator('[data-testid^="kpi-layer-"] h3')).toHaveText(['满意度', '达标率', '效率', '合规性', '工作量']);
  for (const code of ['satisfaction_reliability', 'satisfaction_performance', 'satisfaction_attitude', 'satisfaction_overall']) {
    await expect(page.getByTestId(`kpi-tile-${code}`).getByTestId('kpi-tile-value')).not.toHaveText('待满意度调查上线');
  }
  await expect(page.locator('.kpi-filters input').first()).toHaveValue(period);
  await expect(page.getByTestId('kpi-computed')).toContainText('计算于');

  // Only 检验科's tickets: its sub-tree is the filter, and the URL keeps it.
  const department = page.locator('.el-select[data-testid="kpi-department"]');
  await department.click();
  await department.locator('input').fill('检验科');
  await page.locator('.el-select-dropdown').getByText('检验科', { exact: true }).click();
  await expect(page).toHaveURL(/[?&]department=\d+/);

  const compliance = page.getByTestId('kpi-tile-incidents_without_ci');
  await expect(compliance.getByTestId('kpi-tile-value')).toHaveText('33.3%');
  await expect(compliance.getByTestId('kpi-tile-fraction')).toHaveText('1 / 3');
  await expect(compliance.getByTestId('kpi-tile-tone')).toHaveText('理想值 0%');
  const perEngineer = page.getByTestId('kpi-tile-tickets_per_engineer');
  await expect(perEngineer.getByTestId('kpi-tile-value')).toHaveText(/^3\s*张$/);
  await expect(perEngineer.getByTestId('kpi-breakdown-row')).toHaveText([/王工\s*3/]);
  await pageScreenshot(page, 'web-kpi-board');

  // Its definition is on the info icon (hover or keyboard focus).
  await compliance.getByTestId('kpi-tile-info').focus();
  await expect(page.locator('.el-popover', { hasText: '本期提交的故障单中，没有关联任何 CMDB 配置项的比例' })).toBeVisible();

  // The number opens its trend (this month last) and exactly the ticket behind it.
  await compliance.click();
  const drawer = page.locator('.el-drawer', { has: page.getByTestId('kpi-detail-value') });
  await expect(drawer.getByTestId('kpi-detail-value')).toHaveText('33.3%');
  await expect(drawer.getByTestId('kpi-detail-formula')).toHaveText('未关联配置项的故障单数 ÷ 故障单总数 × 100%');
  const chart = drawer.getByTestId('kpi-trend-chart');
  // eleven months without data are gaps, this month is the last point
  await expect(chart).toHaveAttribute('data-values', `${','.repeat(11)}33.3`);
  await expect(chart.locator('canvas')).toHaveCount(1);
  const rows = drawer.getByTestId('kpi-drill-table').locator('.el-table__body-wrapper .el-table__row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('检验科 3 号生化分析仪无法联网');
  await expect(drawer.getByTestId('kpi-drill-total')).toHaveText('共 1 张工单');
  await drawer.getByTestId('kpi-drill-part-denominator').click();
  await expect(rows).toHaveCount(3);
  await expect(drawer.getByTestId('kpi-drill-table')).toContainText('LIS 报告打印失败');
  await expect(drawer.getByTestId('kpi-drill-table')).not.toContainText('检验科新增条码打印机');
  await drawer.getByTestId('kpi-drill-part-numerator').click();
  await expect(rows).toHaveCount(1);
  await page.screenshot({ path: screenshotPath('web-kpi-drill') });

  // Each ticket is a link to its page; back on the board the filter is still there (cached now).
  const link = rows.first().locator('a');
  const number = (await link.innerText()).trim();
  await link.click();
  await expect(page).toHaveURL(/\/tickets\/\d+$/);
  await expect(page.getByTestId('ticket-number').first()).toHaveText(number);
  await page.goBack();
  await expect(compliance.getByTestId('kpi-tile-value')).toHaveText('33.3%');
  await expect(page.getByTestId('kpi-cached')).toHaveText('缓存');
  await page.getByTestId('kpi-refresh').click();
  await expect(page.getByTestId('kpi-cached')).toHaveText('最新');

  // A background computation refreshes the board when it is done.
  await page.getByTestId('kpi-background').click();
  await expect(page.locator('.el-message', { hasText: '后台计算完成，看板已刷新' })).toBeVisible();

  // The Excel export holds the same numbers, with the definitions.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('kpi-export').click()]);
  expect(download.suggestedFilename()).toBe(`kpi-${period}.xlsx`);
  const workbook = readFileSync(await download.path());
  expect(workbook.subarray(0, 2).toString('latin1')).toBe('PK');
  const cells = zipText(workbook, 'xl/');
  expect(cells).toContain('未关联配置项的故障单占比');
  expect(cells).toContain('<v>33.3</v>');
  expect(cells).toContain('本期提交的故障单中，没有关联任何 CMDB 配置项的比例');
});

test('a requester has no KPI board', async ({ page }) => {
  await webLogin(page, USERS.nurse);
  expect(await menuLabels(page)).not.toContain('指标看板');
  await page.goto('/kpi');
  await expect(page).toHaveURL(/\/403\?from=/);
});
