import { expect, test } from '@playwright/test';

import { USERS, apiSession, importRequester, screenshotPath } from './helpers';

// 检验科 (created by scripts/e2e-server.sh) gets its own service: an admin draws a form with a
// conditional field and a table, publishes it and opens an item to the department only. A lab
// technician then files it from the phone. The item is a service request, so the 检验科 incident
// and engineer numbers web-kpi.spec.ts checks stay as they are.

test.use({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, actionTimeout: 15_000 });

const INITIAL_PASSWORD = 'Lab@Hitsm2026';
const PASSWORD = 'Lab@Hitsm2026!new';

const SCHEMA = {
  fields: [
    { key: 'intro', type: 'section', label: '设备信息', help: '请按设备铭牌填写' },
    {
      key: 'device_type',
      type: 'radio',
      label: '设备类型',
      required: true,
      options: [
        { value: 'analyzer', label: '检验仪器' },
        { value: 'pc', label: '电脑' },
        { value: 'printer', label: '条码打印机' },
      ],
    },
    {
      key: 'analyzer_model',
      type: 'text',
      label: '仪器型号',
      required: true,
      placeholder: '如：迈瑞 BC-5390',
      visible_when: { match: 'all', rules: [{ field: 'device_type', op: 'eq', value: 'analyzer' }] },
    },
    { key: 'place', type: 'text', label: '安装位置', required: true },
    {
      key: 'items',
      type: 'table',
      label: '需要接入的设备',
      required: true,
      min_rows: 1,
      max_rows: 5,
      columns: [
        { key: 'name', type: 'text', label: '设备名称', required: true },
        { key: 'qty', type: 'number', label: '数量', min: 1, max: 20 },
      ],
    },
  ],
};

test('on the phone, a lab technician files a service from the 检验科 menu with a conditional field and a table', async ({ page, playwright }) => {
  const suffix = Date.now().toString(36);
  const technician = { username: `lab_${suffix}`, password: PASSWORD };
  const itemName = `检验仪器联网申请 ${suffix}`;

  // --- set-up through the admin API ---------------------------------------------------------
  // An imported user must replace the initial password before the API serves her (the H5 has
  // no page for that yet), so importRequester does it over the API.
  const admin = await apiSession(playwright, USERS.admin);
  await importRequester(playwright, admin, {
    ...technician,
    initial: INITIAL_PASSWORD,
    name: '周检验师',
    department: 'JYK',
    title: '检验师',
  });
  const departments = (await admin.get('/api/v1/departments/?search=JYK')) as { results: { id: number; code: string }[] };
  const lab = departments.results.find((d) => d.code === 'JYK');
  expect(lab, '检验科 comes from scripts/e2e-server.sh').toBeTruthy();
  const category = (await admin.post('/api/v1/catalog/categories/', { code: `lab-${suffix}`, name: '检验设备', sort_order: 0 })) as { id: number };
  const form = (await admin.post('/api/v1/catalog/forms/', { code: `lab-device-${suffix}`, name: '检验设备接入表' })) as { id: number };
  await admin.patch(`/api/v1/catalog/forms/${form.id}/`, { draft_schema: SCHEMA });
  await admin.post(`/api/v1/catalog/forms/${form.id}/publish/`, { note: 'e2e' });
  const item = (await admin.post('/api/v1/catalog/items/', {
    code: `lab-device-${suffix}`,
    name: itemName,
    description: '新仪器、电脑或打印机接入 LIS 网络',
    keywords: '联网 LIS 仪器',
    kind: 'request',
    icon: 'desktop-o',
    category: category.id,
    form: form.id,
    departments: [lab?.id],
  })) as { id: number };
  await admin.dispose();

  // --- the technician, on the phone ----------------------------------------------------------
  await page.goto('/h5/login');
  await page.getByTestId('login-username').locator('input').fill(technician.username);
  await page.getByTestId('login-password').locator('input').fill(technician.password);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/h5\/$/);

  // The service menu is the big tile on the home page.
  await expect(page.getByTestId('h5-quick-report')).toBeVisible();
  await page.getByTestId('h5-catalog-entry').click();
  await expect(page).toHaveURL(/\/h5\/catalog$/);
  const row = page.getByTestId(`h5-catalog-item-${item.id}`);
  await expect(row).toContainText(itemName);
  await expect(row).toContainText('服务请求');

  // Starred, it is among the favourites at once.
  await row.getByTestId('h5-catalog-star').click();
  await expect(row.getByTestId('h5-catalog-star')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('h5-catalog-favourites')).toContainText(itemName);
  await expect(page.locator('.van-toast')).toBeHidden({ timeout: 10_000 });
  await page.screenshot({ path: screenshotPath('h5-catalog-menu'), fullPage: true });

  // The search finds it by a keyword.
  await page.getByTestId('h5-catalog-search').locator('input').fill('联网');
  await expect(page.getByTestId('h5-catalog-results')).toContainText(itemName);
  await expect(page).toHaveURL(/\?q=/);
  await page.getByTestId('h5-catalog-results').getByTestId(`h5-catalog-item-${item.id}`).getByTestId('h5-catalog-item').click();
  await expect(page).toHaveURL(new RegExp(`/h5/catalog/items/${item.id}$`));

  // The item: its promised times, then its form.
  await expect(page.getByTestId('h5-catalog-item-head')).toContainText(itemName);
  await expect(page.getByTestId('h5-catalog-expectations')).toContainText(/预计 .+内响应 · .+内解决/);
  await expect(page.getByTestId('form-field-analyzer_model')).toHaveCount(0);

  // Sent empty, the form says what is missing and nothing is filed.
  await page.getByTestId('h5-catalog-submit').click();
  await expect(page.getByTestId('form-error-device_type')).toHaveText('请填写此项');
  // The table starts with the one (blank) row it needs.
  await expect(page.getByTestId('form-row-items-0')).toBeVisible();
  await expect(page.getByTestId('form-error-items')).toHaveText('请填写此项');
  await expect(page).toHaveURL(new RegExp(`/h5/catalog/items/${item.id}$`));

  // The model is asked only for an instrument.
  await page.getByTestId('form-field-device_type').getByText('检验仪器', { exact: true }).click();
  const model = page.getByTestId('form-field-analyzer_model');
  await expect(model).toBeVisible();
  await model.locator('input').fill('迈瑞 BC-5390');
  await page.getByTestId('form-field-place').locator('input').fill('医技楼 2 层 生化室');
  await page.getByTestId('form-cell-items.0.name').locator('input').fill('全自动生化分析仪');
  await page.getByTestId('form-cell-items.0.qty').locator('input').fill('2');
  await page.getByTestId('form-add-row-items').click();
  await page.getByTestId('form-cell-items.1.name').locator('input').fill('条码打印机');
  await page.getByTestId('h5-catalog-description').locator('textarea').fill('下周一上午装机，请提前联系。');
  await expect(page.getByTestId('form-error-device_type')).toHaveCount(0);
  await expect(page.locator('.van-toast')).toBeHidden({ timeout: 10_000 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: screenshotPath('h5-catalog-item'), fullPage: true });

  // Filed: the ticket shows the answers under the item's name.
  await page.getByTestId('h5-catalog-submit').click();
  await expect(page).toHaveURL(/\/h5\/tickets\/\d+$/);
  await expect(page.getByTestId('h5-ticket-number')).toHaveText(/^SR-/);
  const answers = page.getByTestId('h5-form-answers');
  await expect(answers).toContainText('表单信息');
  await expect(page.getByTestId('h5-form-item')).toHaveText(itemName);
  await expect(answers.getByTestId('form-display-device_type')).toContainText('检验仪器');
  await expect(answers.getByTestId('form-display-analyzer_model')).toContainText('迈瑞 BC-5390');
  await expect(answers.getByTestId('form-display-place')).toContainText('医技楼 2 层 生化室');
  const table = answers.getByTestId('form-display-items');
  await expect(table).toContainText('全自动生化分析仪');
  await expect(table).toContainText('条码打印机');
  await expect(page.getByTestId('h5-ticket')).toContainText('下周一上午装机');
  await expect(page.locator('.van-toast')).toBeHidden({ timeout: 10_000 });
  await page.screenshot({ path: screenshotPath('h5-catalog-ticket'), fullPage: true });

  // Used once, the service is among her frequent ones.
  await page.goto('/h5/catalog');
  await expect(page.getByTestId('h5-catalog-frequent')).toContainText(itemName);
});
