import { expect, test, type APIRequestContext, type Browser, type BrowserContext, type Page } from '@playwright/test';

import { USERS, apiSession, chooseOption, menuLabels, pageScreenshot, webLogin } from './helpers';

test.use({ actionTimeout: 15_000 });

const VIEWPORT = { width: 1600, height: 900 };
/** 孙组长 leads 急诊保障组, the default group of the 急救设备 category (scripts/e2e-server.sh). */
const LEADER = { username: 'leader_sun', password: 'Leader@Hitsm2026' };
/** Policies this spec creates carry this code prefix, so a retry can remove leftovers first. */
const CODE_PREFIX = 'e2e-sla';

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

async function signedIn(browser: Browser, user: { username: string; password: string }): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  contexts.push(context);
  const page = await context.newPage();
  await webLogin(page, user);
  return page;
}

async function csrfHeader(page: Page): Promise<Record<string, string>> {
  const token = (await page.context().cookies()).find((c) => c.name === 'csrftoken')?.value ?? '';
  return { 'X-CSRFToken': token };
}

/** Remove the P1 policies of earlier attempts: tried first, they would time the new ticket. */
async function removeLeftoverPolicies(page: Page): Promise<void> {
  const request: APIRequestContext = page.request;
  const policies = (await (await request.get('/api/v1/sla/policies/')).json()) as { id: number; code: string }[];
  for (const policy of policies.filter((p) => p.code.startsWith(CODE_PREFIX))) {
    expect((await request.delete(`/api/v1/sla/policies/${policy.id}/`, { headers: await csrfHeader(page) })).status()).toBe(204);
  }
}

/** An Element Plus number input: type the value and leave the field. */
async function setNumber(page: Page, testId: string, value: number): Promise<void> {
  const input = page.getByTestId(testId).locator('input');
  await input.fill(String(value));
  await input.press('Tab');
}

test('the holiday schedule, the menu and a deadline preview explain how SLA time counts', async ({ browser }) => {
  const manager = await signedIn(browser, USERS.manager);
  expect(await menuLabels(manager)).toEqual(expect.arrayContaining(['SLA 策略', '工作日历', '法定节假日']));

  // China's 2026 schedule: Spring Festival off, Saturday 14 February a make-up working day.
  await manager.getByTestId('nav-sla_holidays').click();
  await expect(manager).toHaveURL(/\/admin\/sla\/holidays$/);
  await expect(manager.getByTestId('holidays-source')).toContainText('sla_load_holidays');
  await manager.getByTestId('holidays-year').click();
  await manager.getByRole('option', { name: '2026 年', exact: true }).click();
  const table = manager.getByTestId('holidays-table');
  await expect(table.locator('.el-table__row', { hasText: '2026-02-16' })).toContainText('春节');
  await expect(table.locator('.el-table__row', { hasText: '2026-02-14' })).toContainText('调休工作日');
  await expect(table.locator('.el-table__row', { hasText: '2026-02-14' })).toContainText('周六');
  await expect(manager.getByTestId('holidays-estimated')).toHaveCount(0);

  // 2027 is not announced yet: the statutory days are estimated from the law and flagged.
  await manager.getByTestId('holidays-year').click();
  await manager.getByRole('option', { name: '2027 年', exact: true }).click();
  await expect(manager.getByTestId('holidays-estimated')).toContainText('2027 年的放假安排尚未公布');
  await expect(table.locator('.el-table__row', { hasText: '2027-02-10' })).toContainText('估算');
  await manager.getByTestId('holidays-year').click();
  await manager.getByRole('option', { name: '2026 年', exact: true }).click();
  await expect(table.locator('.el-table__row', { hasText: '2026-02-14' })).toBeVisible();

  // A day added by hand (the server names what is missing), then removed again.
  await manager.getByTestId('holiday-create').click();
  const dialog = manager.getByTestId('day-dialog');
  await dialog.getByTestId('day-save').click();
  await expect(dialog.locator('.el-form-item', { hasText: '名称' }).locator('.el-form-item__error')).toContainText(/不能为空|必填/);
  await dialog.locator('.el-date-editor input').fill('2026-12-31');
  await dialog.locator('.el-date-editor input').press('Enter');
  await dialog.getByTestId('day-name').fill('e2e 停诊');
  await dialog.getByTestId('day-save').click();
  await expect(dialog).toBeHidden();
  const added = table.locator('.el-table__row', { hasText: '2026-12-31' });
  await expect(added).toContainText('手工添加');
  await manager.getByTestId('holiday-delete-2026-12-31').click();
  await manager.locator('.el-message-box').getByRole('button', { name: '删除' }).click();
  await expect(added).toHaveCount(0);

  // On the 5×8 calendar, 4 business hours from Friday 13 Feb 16:50 end on the make-up Saturday.
  await manager.getByTestId('nav-sla_calendars').click();
  await expect(manager.getByTestId('calendars-table')).toContainText('周一至周五：08:00-12:00,13:00-17:00');
  await manager.getByTestId('calendar-link-5x8').click();
  await expect(manager.getByTestId('calendar-title')).toHaveText('5×8 工作日');
  await expect(manager.getByTestId('hours-row-0')).toContainText('间隔 12:00-13:00');
  const preview = manager.getByTestId('deadline-preview');
  await preview.locator('.el-date-editor input').fill('2026-02-13 16:50');
  await preview.locator('.el-date-editor input').press('Enter');
  await setNumber(manager, 'preview-minutes', 240);
  await manager.getByTestId('preview-run').click();
  await expect(manager.getByTestId('preview-due')).toHaveText('截止时间：2026-02-14 11:50');
  await expect(manager.getByTestId('preview-result')).toContainText('计时 4 小时');
  await pageScreenshot(manager, 'web-sla-calendar');

  // An agent has no SLA configuration in the menu.
  const agent = await signedIn(browser, USERS.agent);
  expect(await menuLabels(agent)).not.toContain('SLA 策略');
});

test('a P1 incident’s clock turns amber, then red, and the escalation reaches the group leader', async ({ browser, playwright }) => {
  test.setTimeout(240_000);
  const stamp = Date.now().toString(36);
  const calendarName = `e2e 急诊全天候${stamp}`;
  const policyName = `e2e P1 故障快速响应${stamp}`;

  const admin = await signedIn(browser, USERS.admin);
  await removeLeftoverPolicies(admin);

  // --- a 7×24 calendar; bad input first: the server's Chinese messages beside the fields ------
  await admin.getByTestId('nav-sla_calendars').click();
  await admin.getByTestId('calendar-create').click();
  await expect(admin).toHaveURL(/\/admin\/sla\/calendars\/new$/);
  await admin.getByTestId('hours-0').fill('12:00-08:00');
  await admin.getByTestId('calendar-save').click();
  await expect(admin.getByTestId('hours-error-0')).toHaveText('时间段 12:00-08:00 结束早于开始');
  await expect(admin.locator('.el-form-item', { hasText: '名称' }).locator('.el-form-item__error')).toContainText(/不能为空|必填/);
  await admin.getByTestId('hours-0').fill('08:00-12:00,13:00-17:00');
  await admin.getByTestId('calendar-name').fill(calendarName);
  await admin.getByTestId('calendar-code').fill(`${CODE_PREFIX}-${stamp}`);
  await admin.getByTestId('calendar-always-open').click();
  await admin.getByTestId('calendar-save').click();
  await expect(admin).toHaveURL(/\/admin\/sla\/calendars\/\d+$/);
  await expect(admin.getByTestId('calendar-title')).toHaveText(calendarName);
  // 7×24: 90 minutes after 08:00 is 09:30, whatever the day.
  const preview = admin.getByTestId('deadline-preview');
  await preview.locator('.el-date-editor input').fill('2026-10-01 08:00');
  await preview.locator('.el-date-editor input').press('Enter');
  await setNumber(admin, 'preview-minutes', 90);
  await admin.getByTestId('preview-run').click();
  await expect(admin.getByTestId('preview-due')).toHaveText('截止时间：2026-10-01 09:30');

  // --- a policy for P1 incidents, tried first: response 1 min, resolution 2 min, warn at 50 % ---
  await admin.getByTestId('nav-sla_policies').click();
  await expect(admin.getByTestId('policies-how')).toContainText('第一条');
  await admin.getByTestId('policy-create').click();
  await admin.getByTestId('policy-name').fill(policyName);
  await admin.getByTestId('policy-code').fill(`${CODE_PREFIX}-${stamp}`);
  await setNumber(admin, 'policy-order', 1);
  await admin.getByTestId('policy-kind').getByText('故障', { exact: true }).click();
  await admin.getByTestId('policy-priority-1').click();
  await chooseOption(admin, 'policy-calendar', calendarName);
  for (const p of [2, 3, 4, 5]) await admin.getByTestId(`target-P${p}-enabled`).click();
  await setNumber(admin, 'target-P1-response', 2);
  await setNumber(admin, 'target-P1-resolution', 1);
  const warn = admin.getByTestId('policy-warn');
  for (const share of ['75%', '90%']) await warn.locator('.el-tag', { hasText: share }).locator('.el-tag__close').click();
  await expect(warn.locator('.el-tag')).toHaveText(['50%']);
  await admin.getByTestId('policy-save').click();
  // The server refuses a resolution target shorter than the response target, in Chinese.
  await expect(admin.locator('.el-form-item', { hasText: '时限' }).locator('.el-form-item__error')).toHaveText('P1 的解决时限不能短于响应时限');
  await setNumber(admin, 'target-P1-response', 1);
  await setNumber(admin, 'target-P1-resolution', 2);
  await admin.getByTestId('policy-save').click();
  await expect(admin).toHaveURL(/\/admin\/sla\/policies\/\d+$/);
  await expect(admin.getByTestId('policy-title')).toHaveText(policyName);

  // Its escalation ladder: level 1 after one business minute of the resolution clock → 组长.
  await admin.getByTestId('escalation-create').click();
  const escalation = admin.getByTestId('escalation-dialog');
  await expect(escalation.getByTestId('escalation-notify-group_manager').locator('input')).toBeChecked();
  await setNumber(admin, 'escalation-minutes', 1);
  await expect(escalation.getByTestId('escalation-fires-at')).toContainText('计时 1 分钟');
  await escalation.getByTestId('escalation-save').click();
  await expect(escalation).toBeHidden();
  const ladder = admin.getByTestId('escalations-resolution');
  await expect(ladder).toContainText('第 1 级');
  await expect(ladder).toContainText('支持组组长（第一责任人）');

  await admin.getByTestId('nav-sla_policies').click();
  const row = admin.getByTestId('policies-table').locator('.el-table__row', { hasText: policyName });
  await expect(row).toContainText('第 1 条');
  await expect(row).toContainText('工单类型：故障');
  await expect(row).toContainText('响应 1 分钟');
  await pageScreenshot(admin, 'web-sla-policies');

  // --- a nurse reports a P1 incident on emergency equipment (routed to 急诊保障组) -------------
  const categories = (await (await admin.request.get('/api/v1/categories/')).json()) as { id: number; code: string }[];
  const category = categories.find((c) => c.code === 'emergency');
  expect(category, 'category 急救设备 from e2e-server.sh').toBeTruthy();
  const nurse = await apiSession(playwright, USERS.nurse);
  const ticket = (await nurse.post('/api/v1/tickets/', {
    kind: 'incident',
    title: `急诊抢救室监护仪联网中断 ${stamp}`,
    impact: 1,
    urgency: 1,
    category: category?.id,
  })) as { id: number; number: string };
  await nurse.dispose();
  const created = (await (await admin.request.get(`/api/v1/tickets/${ticket.id}/`)).json()) as {
    priority: number;
    assignment_group: { name: string } | null;
  };
  expect(created.priority).toBe(1);
  expect(created.assignment_group?.name).toBe('急诊保障组');

  // --- the ticket page: green, then amber from 50 %, then red once over the minute ------------
  await admin.goto(`/tickets/${ticket.id}`);
  const clock = admin.getByTestId('ticket-sla');
  await expect(clock.getByTestId('ticket-sla-policy')).toContainText(policyName);
  await expect(clock).toContainText(calendarName);
  const response = clock.getByTestId('sla-clock-response');
  await expect(response).toHaveAttribute('data-level', 'ok');
  await expect(response.getByTestId('sla-clock-state')).toHaveText('计时中');
  await expect(clock.getByTestId('sla-segment').first()).toHaveAttribute('data-state', 'running');

  await expect(response).toHaveAttribute('data-level', 'warning', { timeout: 60_000 });
  await expect(response.getByTestId('sla-clock-state')).toHaveText('即将超时');
  await expect(response).toHaveAttribute('data-level', 'breached', { timeout: 75_000 });
  await expect(response.getByTestId('sla-clock-state')).toHaveText('已超时');
  await expect(response.getByTestId('sla-clock-remaining')).toContainText('已超出');

  // The scanner's notices: the 50 % warning and the breach of the response target, and level 1.
  const responseNotices = response.getByTestId('sla-notice');
  await expect(responseNotices.filter({ hasText: '预警：已用 50%' })).toHaveCount(1, { timeout: 45_000 });
  await expect(responseNotices.filter({ hasText: '已超时' })).toHaveCount(1, { timeout: 45_000 });
  const resolution = clock.getByTestId('sla-clock-resolution');
  await expect(resolution.getByTestId('sla-notice').filter({ hasText: '第 1 级升级' })).toHaveCount(1, { timeout: 45_000 });
  // The ticket itself records the level reached (shown after a reload: the scanner is another process).
  await admin.reload();
  await expect(admin.getByTestId('ticket-header')).toContainText('第 1 级升级');
  await expect(clock.getByTestId('sla-clock-response')).toHaveAttribute('data-level', 'breached');
  await pageScreenshot(admin, 'web-sla-ticket-clock');

  // --- 孙组长 finds the escalation in his bell and opens the ticket from it -----------------------
  const leader = await signedIn(browser, LEADER);
  await expect(leader.getByTestId('bell-badge').locator('sup')).toHaveText(/^[1-9]/);
  await leader.getByTestId('bell').click();
  const item = leader.getByTestId('bell-item').filter({ hasText: `${ticket.number} 解决超时升级至第 1 级` });
  await expect(item).toHaveCount(1);
  await item.click();
  await expect(leader).toHaveURL(new RegExp(`/tickets/${ticket.id}$`));
  await expect(leader.getByTestId('ticket-sla').getByTestId('sla-clock-response')).toHaveAttribute('data-level', 'breached');

  await removeLeftoverPolicies(admin);
});
