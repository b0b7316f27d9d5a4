import { expect, test, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';

import { USERS, apiSession, chooseOption, pageScreenshot, webLogin } from './helpers';

test.use({ actionTimeout: 15_000 });

const VIEWPORT = { width: 1600, height: 900 };
/** Rules this spec creates are named with this prefix, so a retry can remove leftovers. */
const RULE_PREFIX = 'e2e 打印机派单';

/** Each person gets a browser context of their own; all are closed after each test. */
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

/** Search a single user picker for `query` and choose the person shown as `name`. */
async function pickUser(page: Page, picker: Locator, query: string, name: string): Promise<void> {
  await picker.click();
  await picker.locator('input').fill(query);
  // the members picker's list (closing, or kept in the page) offers the same people with them
  // already selected: only an unselected option in the open list is this picker's
  await page
    .getByRole('option', { name: new RegExp(name), selected: false })
    .filter({ visible: true })
    .first()
    .click();
  await expect(picker).toContainText(name);
}

/** A success toast with this text. */
function toast(page: Page, text: string | RegExp) {
  return page.locator('.el-message--success', { hasText: text });
}

test('an admin sets up a support group and a keyword rule, and a nurse printer ticket is routed to that group', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const stamp = Date.now().toString(36);
  const groupName = `打印机支持组${stamp}`;
  const groupCode = `printer-${stamp}`;
  const ruleName = `${RULE_PREFIX}${stamp}`;

  const page = await signedIn(browser, USERS.admin);

  // A retry starts from a clean slate: rules left by an earlier attempt would win first.
  const leftovers = (await (await page.request.get('/api/v1/routing-rules/')).json()) as { id: number; name: string }[];
  const csrf = (await page.context().cookies()).find((c) => c.name === 'csrftoken')?.value ?? '';
  for (const rule of leftovers.filter((r) => r.name.startsWith(RULE_PREFIX))) {
    expect((await page.request.delete(`/api/v1/routing-rules/${rule.id}/`, { headers: { 'X-CSRFToken': csrf } })).status()).toBe(204);
  }

  // --- the administrator: a support group with a member ------------------------------------
  const menu = page.getByTestId('side-menu');
  await expect(menu).toContainText('支持组管理');
  await expect(menu).toContainText('工单分类');
  await expect(menu).toContainText('派单规则');
  await page.getByTestId('nav-groups').click();
  await expect(page).toHaveURL(/\/admin\/groups$/);
  await expect(page.getByTestId('groups-table')).toContainText('桌面运维组');

  // Bad input: the server's Chinese messages appear beside the fields.
  await page.getByTestId('group-create').click();
  const dialog = page.getByTestId('group-dialog');
  await dialog.getByTestId('group-save').click();
  await expect(dialog.locator('.el-form-item__error').first()).toContainText('不能为空');
  await dialog.getByTestId('group-name').fill(`重复编码${stamp}`);
  await dialog.getByTestId('group-code').fill('desktop'); // taken by 桌面运维组
  await dialog.getByTestId('group-save').click();
  await expect(dialog.locator('.el-form-item__error', { hasText: '已存在' })).toBeVisible();

  await dialog.getByTestId('group-name').fill(groupName);
  await dialog.getByTestId('group-code').fill(groupCode);
  await dialog.getByTestId('group-description').fill('门诊各楼层打印机');
  const members = dialog.locator('.el-select[data-testid="group-members"]');
  await members.click();
  await members.locator('input').fill('engineer_wang');
  await page.getByRole('option', { name: /王工/ }).click();
  await expect(members).toContainText('王工');
  await dialog.locator('.el-dialog__header').click(); // close the (multiple) picker
  await expect(page.locator('.el-select__popper').filter({ visible: true })).toHaveCount(0);
  // 王工 leads the group: SLA escalations reach him as the first responsible
  await pickUser(page, dialog.locator('.el-select[data-testid="group-manager"]'), 'engineer_wang', '王工');
  await expect(dialog.getByTestId('group-manager-outside')).toHaveCount(0);
  await dialog.getByText('轮询', { exact: true }).click();
  await expect(dialog).toContainText('按成员顺序轮流分配');
  await chooseOption(page, 'group-escalation', '应用组');
  await dialog.getByTestId('group-save').click();
  await expect(toast(page, `已保存支持组「${groupName}」`)).toBeVisible();
  const groupRow = page.getByTestId('groups-table').locator('.el-table__row', { hasText: groupName });
  await expect(groupRow.getByTestId('group-manager')).toHaveText('王工');
  await expect(groupRow).toContainText('王工');
  await expect(groupRow).toContainText('轮询');
  await expect(groupRow).toContainText('应用组');
  await expect(groupRow).toContainText('启用');
  await pageScreenshot(page, 'web-groups');

  // --- a routing rule: "打印机" goes to that group, tried first -----------------------------
  await page.getByTestId('nav-routing_rules').click();
  await expect(page).toHaveURL(/\/admin\/routing-rules$/);
  await expect(page.getByTestId('rules-how')).toContainText('第一条所有条件都满足的规则决定支持组');
  await page.getByTestId('rule-create').click();
  const ruleDialog = page.getByTestId('rule-dialog');
  await ruleDialog.getByTestId('rule-save').click();
  await expect(ruleDialog.locator('.el-form-item__error').first()).toBeVisible(); // name and group are required
  await ruleDialog.getByTestId('rule-name').fill(ruleName);
  await ruleDialog.getByTestId('rule-order').locator('input').fill('1');
  await ruleDialog.getByTestId('rule-keywords').fill('打印机');
  await ruleDialog.getByTestId('rule-keywords').press('Enter');
  await chooseOption(page, 'rule-target-group', groupName);
  await ruleDialog.getByTestId('rule-save').click();
  await expect(toast(page, `已保存规则「${ruleName}」`)).toBeVisible();
  const ruleRow = page.getByTestId('rules-table').locator('.el-table__row', { hasText: ruleName });
  await expect(ruleRow).toContainText('第 1 条');
  await expect(ruleRow).toContainText('关键词：打印机');
  await expect(ruleRow).toContainText(groupName);

  // The preview agrees: a printer report would be taken by this rule.
  await page.getByTestId('rule-tester-toggle').click();
  await page.getByTestId('rule-tester-text').fill('门诊2楼打印机不出纸');
  await expect(page.getByTestId('rule-tester-result')).toContainText(`命中第 1 条规则「${ruleName}」，派到「${groupName}」`);
  await page.getByTestId('rule-tester-text').fill('电脑蓝屏');
  await expect(page.getByTestId('rule-tester-result')).not.toContainText(ruleName);
  await pageScreenshot(page, 'web-routing-rules');

  // --- the nurse reports a printer problem on the web portal --------------------------------
  const nurse = await signedIn(browser, USERS.nurse);
  await nurse.getByTestId('nav-new_ticket').click();
  await nurse.getByTestId('kb-skip').click(); // straight to the form, past the knowledge base
  await nurse.getByTestId('new-description').fill(`门诊2楼打印机不出纸 ${stamp}`);
  await nurse.getByTestId('kind-incident').click();
  await nurse.getByTestId('new-submit').click();
  await expect(nurse).toHaveURL(/\/tickets\/\d+$/);
  const number = (await nurse.getByTestId('ticket-number').innerText()).trim();

  // --- the agent sees it in that group, with the rule named on the record --------------------
  const agent = await signedIn(browser, USERS.agent);
  await agent.goto('/desk');
  await agent.getByTestId('queue-open').click();
  await agent.getByTestId('desk-search').fill(number);
  await agent.getByTestId('desk-search').press('Enter');
  const row = agent.getByTestId('desk-table').locator('.el-table__row', { hasText: number });
  await expect(row).toContainText(groupName);
  await row.click();
  const detail = agent.getByTestId('desk-detail');
  await expect(detail.getByTestId('field-assignee')).toContainText(groupName);
  await expect(detail).toContainText(`按派发规则「${ruleName}」建议支持组：${groupName}`);

  // --- the administrator removes the rule again (other specs route printers by category) -----
  await page.reload();
  await page.getByTestId('rules-table').locator('.el-table__row', { hasText: ruleName }).getByRole('button', { name: '删除' }).click();
  await page.locator('.el-message-box').getByRole('button', { name: '删除' }).click();
  await expect(toast(page, `已删除规则「${ruleName}」`)).toBeVisible();
  await expect(page.getByTestId('rules-table')).not.toContainText(ruleName);
});

test('an admin names a team lead from outside the group and changes, then clears, where the group escalates to', async ({
  browser,
}) => {
  const stamp = Date.now().toString(36);
  const name = `无线网络组${stamp}`;
  const page = await signedIn(browser, USERS.admin);
  const csrf = (await page.context().cookies()).find((c) => c.name === 'csrftoken')?.value ?? '';
  const created = await page.request.post('/api/v1/assignment-groups/', {
    headers: { 'X-CSRFToken': csrf },
    data: { name, code: `wifi-${stamp}`, escalation_group: null },
  });
  expect(created.status()).toBe(201);

  await page.getByTestId('nav-groups').click();
  const row = page.getByTestId('groups-table').locator('.el-table__row', { hasText: name });
  await expect(row).toContainText('未指定');
  await page.getByTestId(`group-edit-wifi-${stamp}`).click();
  const dialog = page.getByTestId('group-dialog');
  await expect(dialog).toContainText('第一责任人');
  // 陈工 is no member: the form says what that means
  await pickUser(page, dialog.locator('.el-select[data-testid="group-manager"]'), 'agent_chen', '陈工');
  await expect(dialog.getByTestId('group-manager-outside')).toContainText('组长不是本组成员');
  await chooseOption(page, 'group-escalation', '桌面运维组');
  await dialog.getByTestId('group-save').click();
  await expect(toast(page, `已保存支持组「${name}」`)).toBeVisible();
  await expect(row.getByTestId('group-manager')).toHaveText('陈工');
  await expect(row).toContainText('桌面运维组');

  // After a reload the lead, named by id only, is still shown by name.
  await page.reload();
  await expect(row.getByTestId('group-manager')).toHaveText('陈工');
  await expect(row).toContainText('桌面运维组');

  // Clearing both fields saves them as cleared.
  await page.getByTestId(`group-edit-wifi-${stamp}`).click();
  for (const testId of ['group-manager', 'group-escalation']) {
    const select = dialog.locator(`.el-select[data-testid="${testId}"]`);
    await select.hover();
    await select.locator('.el-select__clear').click();
  }
  await dialog.getByTestId('group-save').click();
  await expect(toast(page, `已保存支持组「${name}」`)).toBeVisible();
  await expect(row).toContainText('未指定');
  await expect(row).not.toContainText('桌面运维组');
  await page.reload();
  await expect(row).toContainText('未指定');
  await expect(row).not.toContainText('桌面运维组');
});

test('an agent saves a desk filter, reloads the desk and applies it again', async ({ browser, playwright }) => {
  const stamp = Date.now().toString(36);
  const nurse = await apiSession(playwright, USERS.nurse);
  await nurse.post('/api/v1/tickets/', { kind: 'incident', title: `筛选测试${stamp} 监护仪无法联网`, description: '' });
  await nurse.post('/api/v1/tickets/', { kind: 'request', title: `筛选测试${stamp} 申请开通 HIS 账号`, description: '' });
  await nurse.dispose();
  const filterName = `我的故障${stamp}`;

  const page = await signedIn(browser, USERS.agent);
  await page.goto('/desk');
  const rows = page.getByTestId('desk-table').locator('.el-table__body-wrapper .el-table__row');
  await page.getByTestId('queue-open').click();
  await page.getByTestId('desk-search').fill(`筛选测试${stamp}`);
  await page.getByTestId('desk-search').press('Enter');
  await expect(rows).toHaveCount(2);
  await chooseOption(page, 'desk-filter-kind', '故障');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('监护仪无法联网');

  // Save it; a name is required (the server says so in Chinese).
  await page.getByTestId('saved-filters').click();
  await page.getByTestId('saved-filter-save').click();
  await page.getByTestId('saved-filter-submit').click();
  await expect(page.locator('.el-dialog .el-form-item__error')).toContainText('不能为空');
  await page.getByTestId('saved-filter-name').fill(filterName);
  await page.getByTestId('saved-filter-submit').click();
  await expect(toast(page, `已保存筛选「${filterName}」`)).toBeVisible();
  await expect(page.getByTestId('saved-filters')).toHaveText(`筛选：${filterName}`);

  // A reload starts from the intake queue without filters.
  await page.reload();
  await expect(page.getByTestId('queue-intake')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('desk-search')).toHaveValue('');
  await expect(page.getByTestId('saved-filters')).toHaveText('保存的筛选');

  // Apply the saved filter: queue, search and type come back, and so does the one ticket.
  await page.getByTestId('saved-filters').click();
  await page.getByTestId('saved-filters-panel').getByRole('button', { name: filterName }).click();
  await expect(page.getByTestId('queue-open')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('desk-search')).toHaveValue(`筛选测试${stamp}`);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('监护仪无法联网');
  await expect(page.getByTestId('saved-filters')).toHaveText(`筛选：${filterName}`);
  await pageScreenshot(page, 'web-desk-saved-filter');

  // Delete it again.
  await page.getByTestId('saved-filters').click();
  const item = page.getByTestId('saved-filters-panel').locator('.saved-filters__row', { hasText: filterName });
  await item.getByRole('button', { name: '删除筛选' }).click();
  await page.locator('.el-message-box').getByRole('button', { name: '删除筛选' }).click();
  await expect(toast(page, `已删除筛选「${filterName}」`)).toBeVisible();
  await expect(page.getByTestId('saved-filters')).toHaveText('保存的筛选');
});

test('an admin adds a category under 硬件 and deactivates it', async ({ browser }) => {
  const stamp = Date.now().toString(36);
  const name = `扫描仪${stamp}`;
  const page = await signedIn(browser, USERS.admin);
  await page.getByTestId('nav-categories').click();
  await expect(page).toHaveURL(/\/admin\/categories$/);
  await page.getByTestId('category-add-child-hardware').click();
  const dialog = page.getByTestId('category-dialog');
  await expect(dialog).toContainText('在「硬件」下新建分类');
  await dialog.getByTestId('category-name').fill(name);
  await dialog.getByTestId('category-code').fill('有中文'); // not a valid code
  await dialog.getByTestId('category-save').click();
  await expect(dialog.locator('.el-form-item__error')).toBeVisible();
  await dialog.getByTestId('category-code').fill(`scanner-${stamp}`);
  await dialog.getByTestId('category-save').click();
  await expect(toast(page, `已保存分类「${name}」`)).toBeVisible();
  const row = page.getByTestId(`category-scanner-${stamp}`);
  await expect(row).toHaveText(name);
  await pageScreenshot(page, 'web-categories');

  await page.getByTestId(`category-deactivate-scanner-${stamp}`).click();
  await page.locator('.el-message-box').getByRole('button', { name: '停用' }).click();
  await expect(toast(page, `已停用「${name}」`)).toBeVisible();
  await expect(row).toHaveCount(0);
  await page.getByTestId('categories-show-inactive').click();
  await expect(page.getByTestId('categories-table').locator('.el-table__row', { hasText: name })).toContainText('已停用');
});

test('a manager sees the desk configuration but cannot change it', async ({ browser }) => {
  const page = await signedIn(browser, USERS.manager);
  await page.getByTestId('nav-groups').click();
  await expect(page.getByTestId('groups-table')).toContainText('桌面运维组');
  await expect(page.getByTestId('groups-read-only')).toContainText('修改需平台管理员权限');
  await expect(page.getByTestId('group-create')).toHaveCount(0);
  await expect(page.getByTestId('groups-table')).not.toContainText('编辑');

  await page.getByTestId('nav-categories').click();
  await expect(page.getByTestId('categories-table')).toContainText('打印机');
  await expect(page.getByTestId('category-create')).toHaveCount(0);
  await expect(page.getByTestId('category-deactivate-printer')).toHaveCount(0);

  await page.getByTestId('nav-routing_rules').click();
  await expect(page.getByTestId('rules-read-only')).toBeVisible();
  await expect(page.getByTestId('rule-create')).toHaveCount(0);
});
