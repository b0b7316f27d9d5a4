import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';

import { USERS, menuLabels, pageScreenshot, webLogin } from './helpers';

test.use({ actionTimeout: 15_000 });

const VIEWPORT = { width: 1600, height: 900 };
/** Codes this spec creates carry a fresh suffix, so a retry or a reused server never collides. */
const STAMP = Date.now().toString(36);

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

/** The page's session over the API (same cookies), for preparing and checking data. */
async function call<T>(page: Page, method: 'GET' | 'POST', path: string, data?: unknown): Promise<T> {
  const token = (await page.context().cookies()).find((c) => c.name === 'csrftoken')?.value ?? '';
  const response = await page.request.fetch(path, { method, data: data as object | undefined, headers: { 'X-CSRFToken': token } });
  expect(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`).toBe(true);
  return (await response.json()) as T;
}

/** A form with one required field, published as version 1 (the designer has its own spec). */
async function publishedForm(page: Page, code: string, name: string): Promise<{ id: number; name: string }> {
  const form = await call<{ id: number; name: string }>(page, 'POST', '/api/v1/catalog/forms/', {
    code,
    name,
    draft_schema: { fields: [{ key: 'reason', type: 'text', label: '申请原因', required: true }] },
  });
  await call(page, 'POST', `/api/v1/catalog/forms/${form.id}/publish/`, { note: 'e2e' });
  return form;
}

const zh = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 });

test('an admin files a service for 检验科 only, links a business activity and records an NFR', async ({ browser }) => {
  const admin = await signedIn(browser, USERS.admin);
  expect(await menuLabels(admin)).toEqual(expect.arrayContaining(['服务项管理', 'NFR 与 PBA', 'OBASHI 统计']));
  const form = await publishedForm(admin, `e2e_form_${STAMP}`, `e2e 检验申请单 ${STAMP}`);

  // A new menu category with an icon.
  await admin.getByTestId('nav-catalog_items').click();
  await expect(admin).toHaveURL(/\/admin\/catalog\/items$/);
  await admin.getByTestId('catalog-category-create').click();
  const categoryDialog = admin.getByTestId('catalog-category-dialog');
  await categoryDialog.getByTestId('catalog-category-name').fill(`检验服务 ${STAMP}`);
  await categoryDialog.getByTestId('catalog-category-code').fill(`e2e_lab_${STAMP}`);
  await categoryDialog.getByTestId('icon-picker').click();
  await admin.getByTestId('icon-picker-search').fill('FirstAid');
  await admin.getByTestId('icon-FirstAidKit').click();
  await categoryDialog.getByTestId('catalog-category-save').click();
  await expect(categoryDialog).toBeHidden();
  await expect(admin.getByTestId(`catalog-category-e2e_lab_${STAMP}`)).toBeVisible();
  await expect(admin.getByTestId('catalog-items-heading')).toHaveText(`检验服务 ${STAMP}`);

  // An item in it: visible to 检验科 only, with the published form and a business activity.
  const code = `e2e_lis_${STAMP}`;
  const name = `LIS 报告权限 ${STAMP}`;
  await admin.getByTestId('catalog-item-create').click();
  const drawer = admin.getByTestId('item-drawer');
  await drawer.getByTestId('item-name').fill(name);
  await drawer.getByTestId('item-code').fill(code);
  await drawer.getByTestId('item-keywords').fill('检验 报告');

  await drawer.getByRole('tab', { name: '可见范围' }).click();
  await drawer.getByTestId('item-departments').click();
  await admin.locator('.el-tree-select__popper:visible .el-tree-node__content', { hasText: /^检验科$/ }).click();
  await admin.keyboard.press('Escape');
  await expect(drawer.getByTestId('item-departments')).toContainText('检验科');

  await drawer.getByRole('tab', { name: '表单与处理' }).click();
  await drawer.getByTestId('item-form').click();
  await admin.locator('.el-select-dropdown__item:visible', { hasText: form.name }).click();
  await expect(drawer.getByTestId('item-form-version')).toContainText('第 1 版');
  await expect(drawer.getByTestId('item-form-design')).toHaveAttribute('href', `/admin/catalog/forms/${form.id}`);

  await drawer.getByRole('tab', { name: 'OBASHI 关联' }).click();
  await drawer.getByTestId('item-cis-business').click();
  await drawer.getByTestId('item-cis-business').locator('input').fill('检验');
  await admin.locator('.el-select-dropdown__item:visible', { hasText: '检验申请与报告' }).click();
  await admin.keyboard.press('Escape');
  await expect(drawer.getByTestId('item-cis-business')).toContainText('检验申请与报告');

  await drawer.getByTestId('item-save').click();
  await expect(admin.getByText(`服务项「${name}」已保存`)).toBeVisible();
  // Saved, the item's standard times can be previewed (the server's expectations).
  await drawer.getByRole('tab', { name: '服务标准时间' }).click();
  await expect(drawer.getByTestId('item-sla-preview')).toContainText('优先级');
  await pageScreenshot(admin, 'web-catalog-admin-item-drawer');
  await drawer.getByTestId('item-save-close').click();
  await expect(drawer).toBeHidden();

  await expect(admin.getByTestId(`catalog-item-visibility-${code}`)).toContainText('检验科');
  await expect(admin.getByTestId(`catalog-item-form-${code}`)).toHaveText('第 1 版');
  await pageScreenshot(admin, 'web-catalog-admin-items');

  // The server agrees: 检验科 only, the business activity linked; 门诊部's nurse does not see it.
  const items = await call<{ code: string; department_names: string[]; linked_cis: { name: string }[]; form_version: number }[]>(
    admin,
    'GET',
    `/api/v1/catalog/items/?q=${encodeURIComponent(name)}`,
  );
  const saved = items.find((item) => item.code === code);
  expect(saved?.department_names).toEqual(['检验科']);
  expect(saved?.linked_cis.map((ci) => ci.name)).toEqual(['检验申请与报告']);
  expect(saved?.form_version).toBe(1);
  const users = await call<{ results: { id: number; username: string }[] }>(admin, 'GET', '/api/v1/users/?search=lab_sun');
  const labSun = users.results.find((user) => user.username === 'lab_sun');
  const labMenu = await call<{ categories: { items: { code: string }[] }[] }>(
    admin,
    'GET',
    `/api/v1/catalog/menu/?for_user=${labSun?.id}&q=${encodeURIComponent(name)}`,
  );
  expect(labMenu.categories.flatMap((c) => c.items.map((item) => item.code))).toContain(code);
  const nurse = await signedIn(browser, USERS.nurse);
  const nurseMenu = await call<{ categories: { items: { code: string }[] }[] }>(nurse, 'GET', `/api/v1/catalog/menu/?q=${encodeURIComponent(name)}`);
  expect(nurseMenu.categories.flatMap((c) => c.items.map((item) => item.code))).not.toContain(code);

  // NFR of HIS: the totals row follows the change.
  const applications = await call<{ results: { id: number; code: string }[] }>(admin, 'GET', '/api/v1/cmdb/items/?class_code=application&q=HIS');
  const his = applications.results.find((ci) => ci.code === 'HIS');
  const before = await call<{ totals: Record<string, number> }>(admin, 'GET', '/api/v1/catalog/nfr/totals/');
  const existing = await call<{ yearly_storage_gb: string | null }[]>(admin, 'GET', `/api/v1/catalog/nfr/?application=${his?.id}`);
  const old = Number(existing[0]?.yearly_storage_gb ?? 0);
  const expected = zh.format(Number(before.totals.yearly_storage_gb ?? 0) - old + 1234.5);

  await admin.getByTestId('nav-catalog_records').click();
  await expect(admin).toHaveURL(/\/admin\/catalog\/records/);
  const table = admin.getByTestId('nfr-table');
  await expect(admin.getByTestId('nfr-totals-label')).toContainText('个系统已填写');
  if (existing.length) {
    await admin.getByTestId('nfr-edit-HIS').click();
  } else {
    await admin.getByTestId('nfr-create').click();
    const picker = admin.getByTestId('nfr-dialog').getByTestId('nfr-application');
    await picker.click();
    await picker.locator('input').fill('HIS');
    await admin.locator('.el-select-dropdown__item:visible', { hasText: 'HIS' }).first().click();
  }
  const dialog = admin.getByTestId('nfr-dialog');
  await dialog.getByTestId('nfr-system_accounts').locator('input').fill('800');
  await dialog.getByTestId('nfr-yearly_storage_gb').locator('input').fill('1234.5');
  await dialog.getByTestId('nfr-yearly_storage_gb').locator('input').press('Tab');
  await dialog.getByTestId('nfr-notes').fill('e2e 容量评估');
  await dialog.getByTestId('nfr-save').click();
  await expect(dialog).toBeHidden();
  await expect(table.getByTestId('nfr-HIS-yearly_storage_gb')).toHaveText('1,234.5');
  await expect(admin.getByTestId('nfr-total-yearly_storage_gb')).toContainText(expected);
  await pageScreenshot(admin, 'web-catalog-admin-nfr');

  // A pattern of business activity: Monday's hours copied to the week; the server's refusals
  // (dotted keys such as `stakeholders.0.role`) appear in the stakeholder's row.
  await admin.getByRole('tab', { name: '业务活动模式' }).click();
  await admin.getByTestId('pba-create').click();
  const pba = admin.getByTestId('pba-dialog');
  await pba.getByTestId('pba-name').fill(`检验业务 ${STAMP}`);
  await pba.getByTestId('pba-code').fill(`e2e_pba_${STAMP}`);
  await pba.getByTestId('pba-schedule-add-mon').click();
  await pba.getByTestId('pba-schedule-copy-mon').click();
  await expect(pba.getByTestId('pba-schedule-fri')).toContainText('08:00');
  await expect(pba.getByTestId('pba-schedule-sat')).toContainText('不开展');
  await pba.getByTestId('pba-stakeholder-add').click();
  await pba.getByTestId('pba-save').click();
  const stakeholders = pba.getByTestId('pba-stakeholders');
  await expect(stakeholders.locator('.pba-editor__error')).toContainText(/合法选项|请选择干系人角色/);
  await pba.getByTestId('pba-stakeholder-role-0').click();
  await admin.locator('.el-select-dropdown__item:visible', { hasText: '业务负责人' }).click();
  await pba.getByTestId('pba-save').click();
  await expect(stakeholders.locator('.pba-editor__error')).toContainText('请填写科室、人员或姓名');
  await pba.getByTestId('pba-stakeholder-name-0').fill('孙主任');
  await pba.getByTestId('pba-save').click();
  await expect(pba).toBeHidden();
  const row = admin.getByTestId('pba-table').locator('.el-table__row', { hasText: `e2e_pba_${STAMP}` });
  await expect(row).toContainText('周一至周五：08:00-12:00');
  await expect(row).toContainText('业务负责人：孙主任');
  await pageScreenshot(admin, 'web-catalog-admin-pba');
});

test('an IT manager sees the catalog items read-only', async ({ browser }) => {
  // One item to look at, filed by the admin over the API.
  const admin = await signedIn(browser, USERS.admin);
  const category = await call<{ id: number }>(admin, 'POST', '/api/v1/catalog/categories/', {
    code: `e2e_ro_${STAMP}`,
    name: `只读检查 ${STAMP}`,
  });
  const code = `e2e_ro_item_${STAMP}`;
  await call(admin, 'POST', '/api/v1/catalog/items/', { code, name: `只读服务 ${STAMP}`, category: category.id, roles: ['requester'] });

  const manager = await signedIn(browser, USERS.manager);
  await manager.getByTestId('nav-catalog_items').click();
  await expect(manager.getByTestId('catalog-items-read-only')).toBeVisible();
  await expect(manager.getByTestId('catalog-item-create')).toHaveCount(0);
  await expect(manager.getByTestId('catalog-category-create')).toHaveCount(0);
  await expect(manager.getByTestId(`catalog-category-menu-e2e_ro_${STAMP}`)).toHaveCount(0);
  await expect(manager.getByTestId(`catalog-item-visibility-${code}`)).toContainText('医护人员');
  await expect(manager.getByTestId(`catalog-item-active-${code}`)).toHaveClass(/is-disabled/);
  await expect(manager.getByTestId(`catalog-item-delete-${code}`)).toHaveCount(0);

  await manager.getByTestId(`catalog-item-edit-${code}`).click();
  const drawer = manager.getByTestId('item-drawer');
  await expect(drawer).toContainText('只有平台管理员可以修改');
  await expect(drawer.getByTestId('item-name')).toBeDisabled();
  await expect(drawer.getByTestId('item-save')).toHaveCount(0);
  await manager.keyboard.press('Escape');
  await expect(drawer).toBeHidden();

  // The records page is read-only too.
  await manager.getByTestId('nav-catalog_records').click();
  await expect(manager.getByTestId('records-read-only')).toBeVisible();
  await expect(manager.getByTestId('nfr-create')).toHaveCount(0);
});

test('the OBASHI statistics rank the CIs behind this month’s tickets', async ({ browser }) => {
  // 孙检验师's LIS tickets (scripts/e2e-server.sh) name the LIS application directly.
  const agent = await signedIn(browser, USERS.agent);
  await agent.getByTestId('nav-catalog_stats').click();
  await expect(agent).toHaveURL(/\/catalog\/stats$/);
  await agent.getByTestId('stats-tab-application').click();
  const total = agent.getByTestId('stats-total-LIS');
  await expect(total).toHaveText(/^\d+$/);
  expect(Number(await total.textContent())).toBeGreaterThanOrEqual(2);
  await expect(agent.getByTestId('stats-ranking-chart')).toHaveAttribute('data-values', /LIS:\d+/);
  await expect(agent.getByTestId('stats-ranking-chart').locator('canvas')).toBeVisible();
  await expect(agent.getByTestId('stats-trend-chart').locator('canvas')).toBeVisible();
  // Twelve months up to this one (the hospital's time zone), one column each.
  const thisMonth = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(new Date());
  await expect(agent.getByTestId('stats-table').locator('thead').first()).toContainText(thisMonth);
  await pageScreenshot(agent, 'web-catalog-admin-stats');

  await agent.getByTestId('stats-row-LIS').click();
  await expect(agent).toHaveURL(/\/cmdb\/items\/\d+$/);
});
