import { expect, test, type Browser } from '@playwright/test';

import { USERS, apiSession, importRequester, pageScreenshot, screenshotPath, webLogin } from './helpers';

/**
 * The service menu story (docs/catalog.md, SCENARIOS.md 2): an admin publishes a form with a
 * conditional field and a table, binds it to a new item that only 检验科 may request; a 检验科
 * user finds it in 服务菜单, sees the promised times, fills and submits it; a 门诊部 nurse does not
 * see it (nor may open it); the agent opens the ticket and reads the structured answers.
 */

// 检验科 (JYK) is created by scripts/e2e-server.sh; this requester is imported into it below with
// an initial password, which the server makes them change before anything else (helpers.ts, by API).
const LAB = { username: 'lab_zhou', password: 'Lab@Hitsm2026', initial: 'Init@Hitsm2026', name: '周检验师' };
const STAMP = Date.now().toString(36);
const ITEM = { code: `e2e_lab_repair_${STAMP}`, name: '检验设备维修申请' };

const SCHEMA = {
  fields: [
    { key: 'basics', type: 'section', label: '设备信息', help: '请按设备铭牌填写' },
    {
      key: 'fault_type',
      type: 'radio',
      label: '故障类型',
      required: true,
      options: [
        { value: 'hardware', label: '硬件故障' },
        { value: 'software', label: '软件问题' },
        { value: 'other', label: '其他' },
      ],
    },
    {
      key: 'other_detail',
      type: 'text',
      label: '其他说明',
      required: true,
      visible_when: { match: 'all', rules: [{ field: 'fault_type', op: 'eq', value: 'other' }] },
    },
    {
      key: 'parts',
      type: 'table',
      label: '需更换配件',
      min_rows: 1,
      max_rows: 5,
      columns: [
        { key: 'name', type: 'text', label: '配件名称', required: true },
        { key: 'qty', type: 'number', label: '数量', min: 1, max: 99 },
      ],
    },
  ],
};

interface Setup {
  itemId: number;
  categoryId: number;
  labUserId: number;
}

async function prepare(playwright: Parameters<typeof apiSession>[0]): Promise<Setup> {
  const admin = await apiSession(playwright, USERS.admin);
  try {
    const departments = (await admin.get('/api/v1/departments/?search=JYK&page_size=50')) as { results: { id: number; code: string }[] };
    const lab = departments.results.find((d) => d.code === 'JYK');
    expect(lab, '检验科 from scripts/e2e-server.sh').toBeTruthy();

    // A 检验科 requester with a password (imported users start with one and must change it later).
    const labUserId = await importRequester(playwright, admin, { ...LAB, department: 'JYK', title: '检验师' });

    const form = (await admin.post('/api/v1/catalog/forms/', { code: `e2e_lab_form_${STAMP}`, name: '检验设备维修表', draft_schema: SCHEMA })) as { id: number };
    const version = (await admin.post(`/api/v1/catalog/forms/${form.id}/publish/`, { note: 'e2e' })) as { version: number };
    expect(version.version).toBe(1);
    const category = (await admin.post('/api/v1/catalog/categories/', { code: `e2e_lab_${STAMP}`, name: '检验科专用服务', icon: 'Monitor' })) as { id: number };
    const item = (await admin.post('/api/v1/catalog/items/', {
      code: ITEM.code,
      name: ITEM.name,
      description: '生化分析仪、血球仪等检验设备的故障报修与配件更换',
      keywords: '检验 设备 维修 配件',
      kind: 'request',
      icon: 'FirstAidKit',
      category: category.id,
      form: form.id,
      departments: [lab!.id],
    })) as { id: number };
    return { itemId: item.id, categoryId: category.id, labUserId };
  } finally {
    await admin.dispose();
  }
}

async function signedInPage(browser: Browser, user: { username: string; password: string }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await webLogin(page, user);
  return { context, page };
}

test('a 检验科 item: only 检验科 sees it, its user submits the form, the agent reads the answers', async ({ browser, playwright }) => {
  const setup = await prepare(playwright);

  // --- 检验科: the menu, the promised times, the form -----------------------------------------
  const lab = await signedInPage(browser, LAB);
  const page = lab.page;
  await page.getByTestId('nav-catalog').click();
  await expect(page).toHaveURL(/\/catalog$/);
  const section = page.getByTestId(`catalog-category-${setup.categoryId}`);
  await expect(section).toContainText('检验科专用服务');
  const card = section.getByTestId(`catalog-card-${ITEM.code}`);
  await expect(card).toContainText(ITEM.name);
  await expect(card).toContainText('服务请求');
  await expect(page.getByTestId('catalog-favourites')).toBeVisible();
  await expect(page.getByTestId('catalog-frequent')).toBeVisible();
  // Requesters do not pick someone else.
  await expect(page.getByTestId('catalog-for-user')).toHaveCount(0);

  // Star it: it joins 我的收藏.
  await card.getByTestId('catalog-star').click();
  await expect(page.getByTestId('catalog-favourites').getByTestId(`catalog-card-${ITEM.code}`)).toBeVisible();

  // Search narrows the menu (debounced) and keeps the words in the address.
  await page.getByTestId('catalog-search').fill('配件');
  await expect(page).toHaveURL(/q=/);
  await expect(section.getByTestId(`catalog-card-${ITEM.code}`)).toBeVisible();
  await page.getByTestId('catalog-search').fill('没有这种服务xyz');
  await expect(page.getByTestId('catalog-empty')).toContainText('没有找到');
  await page.getByTestId('catalog-search').fill('');
  await expect(section.getByTestId(`catalog-card-${ITEM.code}`)).toBeVisible();
  await expect(page.getByTestId('catalog-empty')).toHaveCount(0);
  await expect(page.locator('.catalog-menu__content > .el-loading-mask')).toHaveCount(0);
  await pageScreenshot(page, 'web-catalog-menu');

  await section.getByTestId(`catalog-card-${ITEM.code}`).click();
  await expect(page).toHaveURL(new RegExp(`/catalog/items/${setup.itemId}$`));
  await expect(page.getByTestId('catalog-item-name')).toHaveText(ITEM.name);
  await expect(page.getByTestId('catalog-expectations-text')).toHaveText(/预计 .+内(响应|解决)|暂无承诺/);
  await expect(page.getByTestId('catalog-assistant')).toContainText('信息助手');
  await expect(page.getByTestId('catalog-assistant-knowledge')).toBeVisible();

  // Nothing filled: the form says what is missing, nothing is sent.
  await page.getByTestId('catalog-submit').click();
  await expect(page.getByTestId('form-error-fault_type')).toHaveText('请填写此项');
  await expect(page).toHaveURL(/\/catalog\/items\//);

  // The conditional field appears only for 其他.
  await expect(page.getByTestId('form-field-other_detail')).toHaveCount(0);
  await page.getByTestId('form-field-fault_type').getByText('其他', { exact: true }).click();
  await expect(page.getByTestId('form-field-other_detail')).toBeVisible();
  await page.getByTestId('form-field-other_detail').locator('input').fill('离心机转速异常');
  // The table starts with its one required row.
  await expect(page.getByTestId('form-cell-parts.0.name')).toBeVisible();
  await page.getByTestId('form-cell-parts.0.name').locator('input').fill('离心机转子');
  const qty = page.getByTestId('form-cell-parts.0.qty').locator('input');
  await qty.fill('2');
  await qty.press('Tab');
  await page.getByTestId('catalog-description').fill('下午样本多，请尽快处理');
  await pageScreenshot(page, 'web-catalog-item');

  await page.getByTestId('catalog-submit').click();
  await expect(page).toHaveURL(/\/tickets\/\d+$/);
  const ticketId = Number(/\/tickets\/(\d+)$/.exec(page.url())?.[1]);
  const answers = page.getByTestId('ticket-form-answers');
  await expect(answers).toContainText('其他');
  await expect(answers).toContainText('离心机转速异常');
  await expect(page.getByTestId('ticket-description')).toHaveText('下午样本多，请尽快处理');

  // The menu now counts it as used.
  await page.getByTestId('nav-catalog').click();
  await expect(page.getByTestId('catalog-frequent').getByTestId(`catalog-card-${ITEM.code}`)).toBeVisible();
  await lab.context.close();

  // --- 门诊部: not in the nurse's menu, and its page answers 404 ---------------------------------
  const nurse = await signedInPage(browser, USERS.nurse);
  await nurse.page.getByTestId('nav-catalog').click();
  await expect(nurse.page.getByTestId('catalog-menu')).toBeVisible();
  await expect(nurse.page.getByText('服务菜单', { exact: true }).first()).toBeVisible();
  await expect(nurse.page.getByTestId(`catalog-card-${ITEM.code}`)).toHaveCount(0);
  await expect(nurse.page.getByTestId(`catalog-category-${setup.categoryId}`)).toHaveCount(0);
  await nurse.page.goto(`/catalog/items/${setup.itemId}`);
  await expect(nurse.page.getByTestId('not-found')).toBeVisible();
  await nurse.context.close();

  // --- The agent: the 检验科 menu on the requester's behalf, then the ticket's answers ---------
  const agent = await signedInPage(browser, USERS.agent);
  await agent.page.goto(`/catalog?for_user=${setup.labUserId}`);
  await expect(agent.page.getByTestId('catalog-for-user-hint')).toContainText(LAB.name);
  await expect(agent.page.getByTestId(`catalog-category-${setup.categoryId}`).getByTestId(`catalog-card-${ITEM.code}`)).toBeVisible();
  await agent.page.goto('/catalog');
  await expect(agent.page.getByTestId('catalog-menu')).toBeVisible();

  await agent.page.goto(`/tickets/${ticketId}`);
  const card2 = agent.page.getByTestId('ticket-form-answers');
  await expect(card2).toContainText('表单信息');
  await expect(agent.page.getByTestId('ticket-form-item')).toHaveText(ITEM.name);
  await expect(agent.page.getByTestId('ticket-form-version')).toHaveText('表单版本 v1');
  await expect(agent.page.getByTestId('form-display-fault_type')).toHaveText('其他');
  await expect(agent.page.getByTestId('form-display-other_detail')).toHaveText('离心机转速异常');
  const table = agent.page.getByTestId('form-display-parts');
  await expect(table).toContainText('配件名称');
  await expect(table).toContainText('离心机转子');
  await expect(table).toContainText('2');
  await agent.page.screenshot({ path: screenshotPath('web-catalog-ticket-answers'), fullPage: true });
  await agent.context.close();
});
