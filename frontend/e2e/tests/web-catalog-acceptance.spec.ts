import { expect, test, type Browser, type BrowserContext, type Locator, type Page, type Response } from '@playwright/test';

import { USERS, apiSession, importRequester, pageScreenshot, screenshotPath, webLogin } from './helpers';

/**
 * The service catalog's acceptance story (docs/catalog.md), played through the pages only: an
 * admin draws a form in the designer (a select, a textarea shown only for one of its options, a
 * table of two columns), previews and publishes it, then files a new item for 检验科 alone with
 * that form. A 检验科 technician finds the item, reads its promised times and submits it; a
 * 门诊部 nurse neither sees nor opens it; the agent reads the structured answers on the ticket;
 * and the technician files the same item again from the phone (H5). Only the technician's
 * account is prepared over the API (an import, as the hospital does it).
 */

test.use({ actionTimeout: 15_000 });

const DESKTOP = { width: 1600, height: 900 };
const PHONE = { viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true };
/** Codes and names carry a fresh suffix, so a retry or a reused server never collides. */
const STAMP = Date.now().toString(36);
const LAB = {
  username: `lab_acc_${STAMP}`,
  password: 'Lab@Hitsm2026!acc',
  initial: 'Init@Hitsm2026',
  name: '吴检验师',
  department: 'JYK',
  title: '检验师',
};
const FORM = { code: `e2e_acc_form_${STAMP}`, name: `检验设备报修表 ${STAMP}` };
// (Names other than the department's avoid "检验科": other specs pick 检验科 from trees by text.)
const CATEGORY = { code: `e2e_acc_${STAMP}`, name: `检验设备服务 ${STAMP}` };
const ITEM = { code: `e2e_acc_item_${STAMP}`, name: `检验设备报修 ${STAMP}` };

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

async function newPage(browser: Browser, options: Parameters<Browser['newContext']>[0] = { viewport: DESKTOP }): Promise<Page> {
  const context = await browser.newContext(options);
  contexts.push(context);
  return context.newPage();
}

async function signedIn(browser: Browser, user: { username: string; password: string }): Promise<Page> {
  const page = await newPage(browser);
  await webLogin(page, user);
  return page;
}

/** Run `action` and wait for the API answer it causes (`path` is matched against the URL's path). */
async function answered(page: Page, method: string, path: RegExp, action: () => Promise<unknown>): Promise<Response> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === method && path.test(new URL(r.url()).pathname)),
    action(),
  ]);
  expect(response.ok(), `${method} ${response.url()}: ${response.status()} ${await response.text().catch(() => '')}`).toBe(true);
  return response;
}

/** Open an Element Plus select and pick the option showing `label`. */
async function pick(page: Page, select: Locator, label: string): Promise<void> {
  await select.click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: label }).first().click();
}

/** Rename the selected field (or column) in the properties panel and give it a label. */
async function nameField(page: Page, key: string, label: string): Promise<void> {
  const keyInput = page.getByTestId('prop-key');
  await keyInput.fill(key);
  await keyInput.press('Enter');
  // Renamed, the panel is drawn again for the new key.
  await expect(page.getByTestId('prop-key')).toHaveValue(key);
  await page.getByTestId('prop-label').fill(label);
}

test('the catalog story through the pages: design, publish, file for 检验科, submit on web and H5, read the answers', async ({ browser, playwright }) => {
  test.setTimeout(240_000);

  await test.step('set-up: a 检验科 technician, imported by CSV', async () => {
    const admin = await apiSession(playwright, USERS.admin);
    try {
      await importRequester(playwright, admin, LAB);
    } finally {
      await admin.dispose();
    }
  });

  const admin = await signedIn(browser, USERS.admin);
  let formId = 0;

  await test.step('the admin draws the form in the designer', async () => {
    await admin.getByTestId('nav-catalog_forms').click();
    await expect(admin).toHaveURL(/\/admin\/catalog\/forms$/);
    await admin.getByTestId('form-create').click();
    const dialog = admin.getByTestId('form-info-dialog');
    await dialog.getByTestId('form-code').fill(FORM.code);
    await dialog.getByTestId('form-name').fill(FORM.name);
    const created = await answered(admin, 'POST', /^\/api\/v1\/catalog\/forms\/$/, () => dialog.getByTestId('form-save').click());
    formId = ((await created.json()) as { id: number }).id;
    await expect(admin).toHaveURL(new RegExp(`/admin/catalog/forms/${formId}$`));
    await expect(admin.getByTestId('designer-name')).toHaveText(FORM.name);
    await expect(admin.getByTestId('designer-version')).toHaveText('未发布');

    // A select with two options.
    await admin.getByTestId('palette-select').click();
    await nameField(admin, 'device', '设备类型');
    await admin.getByTestId('prop-required').click();
    await admin.getByTestId('prop-option-0-value').fill('analyzer');
    await admin.getByTestId('prop-option-0-label').fill('检验仪器');
    await admin.getByTestId('prop-option-1-value').fill('other');
    await admin.getByTestId('prop-option-1-label').fill('其他设备');
    const device = admin.getByTestId('canvas-field-device');
    await expect(device).toContainText('设备类型');

    // A textarea shown only when the select says 其他设备.
    await admin.getByTestId('palette-textarea').click();
    await nameField(admin, 'other_detail', '设备说明');
    await admin.getByTestId('prop-required').click();
    await admin.getByTestId('cond-add').click();
    await pick(admin, admin.getByTestId('cond-field-0'), '设备类型');
    await pick(admin, admin.getByTestId('cond-op-0'), '等于');
    await pick(admin, admin.getByTestId('cond-value-0'), '其他设备');
    await expect(admin.getByTestId('cond-value-0')).toContainText('其他设备');
    await expect(admin.getByTestId('canvas-field-other_detail')).toContainText('按条件显示');

    // A table of two columns: the text column a new table starts with, and a number column.
    await admin.getByTestId('palette-table').click();
    await nameField(admin, 'parts', '配件清单');
    await admin.getByTestId('prop-required').click();
    await admin.getByTestId('prop-add-column').click();
    await admin.getByTestId('prop-add-column-number').click();
    await expect(admin.getByTestId('prop-back-to-table')).toBeVisible();
    await nameField(admin, 'qty', '数量');
    await admin.getByTestId('prop-back-to-table').click();
    await admin.getByTestId('prop-column-col_1').click();
    await nameField(admin, 'name', '配件名称');
    await admin.getByTestId('prop-required').click();
    const columns = admin.getByTestId('canvas-columns-parts');
    await expect(columns.getByTestId('canvas-column-parts-name')).toContainText('配件名称');
    await expect(columns.getByTestId('canvas-column-parts-qty')).toContainText('数量');
    await expect(admin.getByTestId('designer-problems')).toHaveCount(0);
    await expect(admin.getByTestId('designer-dirty')).toBeVisible();

    const saved = await answered(admin, 'PATCH', new RegExp(`^/api/v1/catalog/forms/${formId}/$`), () => admin.getByTestId('designer-save').click());
    const schema = ((await saved.json()) as { draft_schema: { fields: { key: string; type: string; visible_when?: unknown; columns?: { key: string }[] }[] } }).draft_schema;
    expect(schema.fields.map((field) => `${field.key}:${field.type}`)).toEqual(['device:select', 'other_detail:textarea', 'parts:table']);
    expect(schema.fields[1]?.visible_when).toEqual({ match: 'all', rules: [{ field: 'device', op: 'eq', value: 'other' }] });
    expect(schema.fields[2]?.columns?.map((column) => column.key)).toEqual(['name', 'qty']);
    await expect(admin.getByTestId('designer-dirty')).toHaveCount(0);
    await pageScreenshot(admin, 'web-catalog-acceptance-designer');
  });

  await test.step('the preview behaves as the requester will see it, and the server agrees', async () => {
    await admin.getByTestId('designer-preview').click();
    const preview = admin.getByTestId('preview-dialog');
    await expect(preview.getByTestId('form-field-device')).toBeVisible();
    await expect(preview.getByTestId('form-field-other_detail')).toHaveCount(0);
    await pick(admin, preview.getByTestId('form-field-device').locator('.el-select'), '其他设备');
    await expect(preview.getByTestId('form-field-other_detail')).toBeVisible();
    await preview.getByTestId('form-field-other_detail').locator('textarea').fill('离心机噪音大');
    // A required table starts with the one row it needs.
    await expect(preview.getByTestId('form-cell-parts.1.name')).toHaveCount(0);
    await preview.getByTestId('form-cell-parts.0.name').locator('input').fill('转子');
    await answered(admin, 'POST', new RegExp(`^/api/v1/catalog/forms/${formId}/check/$`), () => preview.getByTestId('preview-check').click());
    await expect(preview.getByTestId('preview-valid')).toBeVisible();
    await expect(preview.getByTestId('preview-cleaned')).toContainText('"other_detail": "离心机噪音大"');
    await admin.screenshot({ path: screenshotPath('web-catalog-acceptance-preview') });
    // Another answer hides the conditional field again.
    await pick(admin, preview.getByTestId('form-field-device').locator('.el-select'), '检验仪器');
    await expect(preview.getByTestId('form-field-other_detail')).toHaveCount(0);
    await preview.locator('.el-dialog__headerbtn').click();
    await expect(preview).toBeHidden();
  });

  await test.step('the admin publishes version 1', async () => {
    await admin.getByTestId('designer-publish').click();
    const box = admin.locator('.el-message-box');
    await expect(box).toContainText('发布为 V1');
    await box.locator('textarea').fill('检验设备报修首版');
    await answered(admin, 'POST', new RegExp(`^/api/v1/catalog/forms/${formId}/publish/$`), () => box.locator('.el-button--primary').click());
    await expect(box).toBeHidden();
    // (The old tag zooms out while the new one zooms in.)
    await expect(admin.getByTestId('designer-version').filter({ hasText: '已发布 V1' })).toBeVisible();
    await expect(admin.getByTestId('designer-version')).toHaveCount(1);
  });

  let categoryId = 0;
  let itemId = 0;

  await test.step('the admin files a new item for 检验科 only, with the form', async () => {
    await admin.getByTestId('nav-catalog_items').click();
    await expect(admin).toHaveURL(/\/admin\/catalog\/items$/);
    await admin.getByTestId('catalog-category-create').click();
    const categoryDialog = admin.getByTestId('catalog-category-dialog');
    await categoryDialog.getByTestId('catalog-category-name').fill(CATEGORY.name);
    await categoryDialog.getByTestId('catalog-category-code').fill(CATEGORY.code);
    const category = await answered(admin, 'POST', /^\/api\/v1\/catalog\/categories\/$/, () => categoryDialog.getByTestId('catalog-category-save').click());
    categoryId = ((await category.json()) as { id: number }).id;
    await expect(categoryDialog).toBeHidden();
    await expect(admin.getByTestId('catalog-items-heading')).toHaveText(CATEGORY.name);

    await admin.getByTestId('catalog-item-create').click();
    const drawer = admin.getByTestId('item-drawer');
    await drawer.getByTestId('item-name').fill(ITEM.name);
    await drawer.getByTestId('item-code').fill(ITEM.code);
    await drawer.getByTestId('item-description').fill('生化分析仪、离心机等检验设备的故障报修与配件更换');
    await drawer.getByTestId('item-keywords').fill('检验 设备 报修');

    await drawer.getByRole('tab', { name: '可见范围' }).click();
    await drawer.getByTestId('item-departments').click();
    await admin.locator('.el-tree-select__popper:visible .el-tree-node__content', { hasText: /^检验科$/ }).click();
    await admin.keyboard.press('Escape');
    await expect(drawer.getByTestId('item-departments')).toContainText('检验科');

    await drawer.getByRole('tab', { name: '表单与处理' }).click();
    await pick(admin, drawer.getByTestId('item-form'), FORM.name);
    await expect(drawer.getByTestId('item-form-version')).toContainText('第 1 版');

    const item = await answered(admin, 'POST', /^\/api\/v1\/catalog\/items\/$/, () => drawer.getByTestId('item-save').click());
    const body = (await item.json()) as { id: number; form: number; department_names: string[] };
    itemId = body.id;
    expect(body.form).toBe(formId);
    expect(body.department_names).toEqual(['检验科']);
    await drawer.getByRole('tab', { name: '服务标准时间' }).click();
    await expect(drawer.getByTestId('item-sla-preview')).toContainText('优先级');
    await drawer.getByTestId('item-save-close').click();
    await expect(drawer).toBeHidden();
    await expect(admin.getByTestId(`catalog-item-visibility-${ITEM.code}`)).toContainText('检验科');
    await expect(admin.getByTestId(`catalog-item-form-${ITEM.code}`)).toHaveText('第 1 版');
    await pageScreenshot(admin, 'web-catalog-acceptance-items');
  });

  let ticketId = 0;

  await test.step('a 检验科 technician finds the item, reads the times, fills and submits the form', async () => {
    const lab = await signedIn(browser, LAB);
    await lab.getByTestId('nav-catalog').click();
    await expect(lab).toHaveURL(/\/catalog$/);
    const card = lab.getByTestId(`catalog-category-${categoryId}`).getByTestId(`catalog-card-${ITEM.code}`);
    await expect(card).toContainText(ITEM.name);
    await card.click();
    await expect(lab).toHaveURL(new RegExp(`/catalog/items/${itemId}$`));
    await expect(lab.getByTestId('catalog-item-name')).toHaveText(ITEM.name);
    await expect(lab.getByTestId('catalog-expectations-text')).toHaveText(/^预计 .+内响应，.+内解决$/);

    // The conditional field appears once the select says 其他设备.
    await expect(lab.getByTestId('form-field-device')).toBeVisible();
    await expect(lab.getByTestId('form-field-other_detail')).toHaveCount(0);
    await pick(lab, lab.getByTestId('form-field-device').locator('.el-select'), '其他设备');
    const detail = lab.getByTestId('form-field-other_detail');
    await expect(detail).toBeVisible();
    await detail.locator('textarea').fill('离心机转速异常，伴有异响');
    await expect(lab.getByTestId('form-cell-parts.1.name')).toHaveCount(0);
    await lab.getByTestId('form-cell-parts.0.name').locator('input').fill('离心机转子');
    const qty = lab.getByTestId('form-cell-parts.0.qty').locator('input');
    await qty.fill('2');
    await qty.press('Tab');
    await lab.getByTestId('catalog-description').fill('下午样本多，请尽快处理');
    await pageScreenshot(lab, 'web-catalog-acceptance-item');

    const created = await answered(lab, 'POST', /^\/api\/v1\/tickets\/$/, () => lab.getByTestId('catalog-submit').click());
    ticketId = ((await created.json()) as { id: number }).id;
    await expect(lab).toHaveURL(new RegExp(`/tickets/${ticketId}$`));
    await expect(lab.getByTestId('ticket-form-answers')).toContainText('离心机转速异常');
  });

  await test.step('a 门诊部 nurse does not see the item, nor open it', async () => {
    const nurse = await signedIn(browser, USERS.nurse);
    await nurse.getByTestId('nav-catalog').click();
    await expect(nurse.getByTestId('catalog-menu')).toBeVisible();
    await expect(nurse.locator('.catalog-menu__content > .el-loading-mask')).toHaveCount(0);
    await expect(nurse.getByTestId(`catalog-category-${categoryId}`)).toHaveCount(0);
    await expect(nurse.getByTestId(`catalog-card-${ITEM.code}`)).toHaveCount(0);
    await nurse.goto(`/catalog/items/${itemId}`);
    await expect(nurse.getByTestId('not-found')).toBeVisible();
    await expect(nurse.getByTestId('form-renderer')).toHaveCount(0);
  });

  await test.step('the agent reads the structured answers on the ticket', async () => {
    const agent = await signedIn(browser, USERS.agent);
    await agent.goto(`/tickets/${ticketId}`);
    const answers = agent.getByTestId('ticket-form-answers');
    await expect(answers).toContainText('表单信息');
    await expect(answers.getByTestId('ticket-form-item')).toHaveText(ITEM.name);
    await expect(answers.getByTestId('ticket-form-version')).toHaveText('表单版本 v1');
    await expect(answers.getByTestId('form-display-device')).toHaveText('其他设备');
    await expect(answers.getByTestId('form-display-other_detail')).toHaveText('离心机转速异常，伴有异响');
    const table = answers.getByTestId('form-display-parts');
    await expect(table.locator('thead')).toContainText('配件名称');
    await expect(table.locator('thead')).toContainText('数量');
    await expect(table.locator('tbody tr')).toHaveCount(1);
    await expect(table.locator('tbody tr').first()).toContainText('离心机转子');
    await expect(table.locator('tbody tr').first()).toContainText('2');
    await agent.screenshot({ path: screenshotPath('web-catalog-acceptance-ticket'), fullPage: true });
  });

  await test.step('the technician files the same item from the phone (H5)', async () => {
    const phone = await newPage(browser, PHONE);
    await phone.goto('/h5/login');
    await phone.getByTestId('login-username').locator('input').fill(LAB.username);
    await phone.getByTestId('login-password').locator('input').fill(LAB.password);
    await answered(phone, 'POST', /^\/api\/v1\/auth\/login\/$/, () => phone.getByTestId('login-submit').click());
    await expect(phone).toHaveURL(/\/h5\/$/);

    await phone.getByTestId('h5-catalog-entry').click();
    await expect(phone).toHaveURL(/\/h5\/catalog$/);
    const row = phone.getByTestId(`h5-catalog-category-${categoryId}`).getByTestId(`h5-catalog-item-${itemId}`);
    await expect(row).toContainText(ITEM.name);
    await row.getByTestId('h5-catalog-item').click();
    await expect(phone).toHaveURL(new RegExp(`/h5/catalog/items/${itemId}$`));
    await expect(phone.getByTestId('h5-catalog-item-head')).toContainText(ITEM.name);
    await expect(phone.getByTestId('h5-catalog-expectations')).toContainText(/预计 .+内响应 · .+内解决/);

    // The select is a picker in a bottom sheet.
    await expect(phone.getByTestId('form-field-other_detail')).toHaveCount(0);
    await phone.getByTestId('form-field-device').locator('.van-field').click();
    const sheet = phone.locator('.van-popup:visible');
    await sheet.locator('.van-picker-column__item', { hasText: '其他设备' }).click();
    await sheet.locator('.van-picker__confirm').click();
    await expect(sheet).toHaveCount(0);
    await expect(phone.getByTestId('form-field-device').locator('input')).toHaveValue('其他设备');
    const detail = phone.getByTestId('form-field-other_detail');
    await expect(detail).toBeVisible();
    await detail.locator('textarea').fill('血球仪开机报错 E-02');
    await expect(phone.getByTestId('form-row-parts-0')).toBeVisible();
    await expect(phone.getByTestId('form-row-parts-1')).toHaveCount(0);
    await phone.getByTestId('form-cell-parts.0.name').locator('input').fill('电源模块');
    await phone.getByTestId('form-cell-parts.0.qty').locator('input').fill('1');
    await expect(phone.locator('.van-toast')).toBeHidden({ timeout: 10_000 });
    await phone.evaluate(() => window.scrollTo(0, 0));
    await phone.screenshot({ path: screenshotPath('h5-catalog-acceptance-item'), fullPage: true });

    const created = await answered(phone, 'POST', /^\/api\/v1\/tickets\/$/, () => phone.getByTestId('h5-catalog-submit').click());
    const h5Ticket = ((await created.json()) as { id: number }).id;
    await expect(phone).toHaveURL(new RegExp(`/h5/tickets/${h5Ticket}$`));
    const answers = phone.getByTestId('h5-form-answers');
    await expect(answers).toContainText('表单信息');
    await expect(phone.getByTestId('h5-form-item')).toHaveText(ITEM.name);
    await expect(answers.getByTestId('form-display-device')).toContainText('其他设备');
    await expect(answers.getByTestId('form-display-other_detail')).toContainText('血球仪开机报错 E-02');
    const table = answers.getByTestId('form-display-parts');
    await expect(table).toContainText('电源模块');
    await expect(table).toContainText('1');
    await expect(phone.locator('.van-toast')).toBeHidden({ timeout: 10_000 });
    await phone.screenshot({ path: screenshotPath('h5-catalog-acceptance-ticket'), fullPage: true });
  });
});
