import { readFileSync } from 'node:fs';

import { expect, test, type Page } from '@playwright/test';

import { USERS, chooseOption, screenshotPath, webLogin } from './helpers';
import { xlsxWorkbook, zipText, type Cell } from './xlsx';

// The CMDB graph comes from scripts/e2e-server.sh: 门诊部 -owns-> 门诊挂号 -uses-> HIS
// -runs_on-> vm-his -hosted_in-> srv-01 …, and HIS sends 检验申请 to LIS as a data flow.

test.use({ viewport: { width: 1600, height: 1000 }, actionTimeout: 15_000 });

const node = (page: Page, code: string) => page.locator(`[data-testid="diagram-node"][data-code="${code}"]`);

/** Open the B&IT diagram and pick the starting business activity through the search select. */
async function openDiagramFrom(page: Page, name: string): Promise<void> {
  await page.getByTestId('nav-cmdb_diagram').click();
  await expect(page).toHaveURL(/\/cmdb\/diagram$/);
  await page.getByTestId('diagram-root').click();
  await page.keyboard.type(name);
  await page.getByRole('option', { name: new RegExp(name) }).click();
  await expect(page).toHaveURL(/\/cmdb\/diagram\?root=\d+$/);
  await expect(node(page, 'BA-REG')).toBeVisible();
}

test('the B&IT diagram from 门诊挂号 expands down to the VM, whose impact reaches 门诊挂号', async ({ page }) => {
  await webLogin(page, USERS.engineer);
  await openDiagramFrom(page, '门诊挂号');

  // Depth 1 both ways: the owner above, the application below, and HIS's data flow to LIS.
  const bands = page.getByTestId('diagram-band');
  await expect(bands).toHaveCount(6);
  await expect(bands.nth(0)).toContainText('所有者');
  await expect(bands.nth(5)).toContainText('基础设施');
  await expect(node(page, 'OWN-MZ')).toBeVisible();
  await expect(node(page, 'HIS')).toBeVisible();
  await expect(node(page, 'LIS')).toBeVisible();
  await expect(page.getByTestId('diagram-flow-label')).toHaveText(['检验申请']);
  await expect(page.locator('[data-testid="diagram-edge"][data-flow="true"]')).toHaveCount(1);
  await expect(node(page, 'vm-his')).toHaveCount(0);

  // Boxes sit in their layer's band, top to bottom.
  const y = async (code: string) => (await node(page, code).boundingBox())?.y ?? Number.NaN;
  expect(await y('OWN-MZ')).toBeLessThan(await y('BA-REG'));
  expect(await y('BA-REG')).toBeLessThan(await y('HIS'));

  // Expanding HIS fetches what it depends on: its VM and its database.
  await node(page, 'HIS').click();
  await expect(node(page, 'vm-his')).toBeVisible();
  await expect(node(page, 'db-his')).toBeVisible();
  await expect(node(page, 'HIS')).toHaveAttribute('data-expanded', 'true');
  expect(await y('HIS')).toBeLessThan(await y('vm-his'));
  // … and the VM in turn the server it is hosted in.
  await node(page, 'vm-his').click();
  await expect(node(page, 'srv-01')).toBeVisible();
  const edge = (from: string, to: string) => page.locator(`[data-testid="diagram-edge"][data-from="${from}"][data-to="${to}"]`);
  await expect(edge('vm-his', 'srv-01')).toHaveCount(1);
  // db-his, drawn before, also runs on srv-01: that arrow joins too
  await expect(edge('db-his', 'srv-01')).toHaveCount(1);
  await expect(edge('HIS', 'LIS')).toHaveAttribute('data-flow', 'true');
  await page.screenshot({ path: screenshotPath('web-cmdb-diagram') });

  // Double-click opens the VM; its impact analysis walks back up to the business.
  await node(page, 'vm-his').dblclick();
  await expect(page).toHaveURL(/\/cmdb\/items\/\d+$/);
  await expect(page.getByTestId('ci-title')).toContainText('vm-his');
  await expect(page.getByTestId('ci-attributes')).toContainText('10.1.1.10');
  await page.getByRole('tab', { name: '影响分析' }).click();
  const impact = page.getByTestId('ci-impact');
  await expect(impact.getByTestId('impact-business')).toContainText('门诊挂号');
  await expect(impact.getByTestId('impact-applications')).toContainText('HIS');
  await expect(impact.getByTestId('impact-owners')).toContainText('门诊部');
  await expect(impact.getByTestId('impact-departments')).toContainText('门诊部');
  await expect(impact.getByTestId('impact-data-flows')).toContainText('检验申请');
  await expect(impact.getByTestId('impact-summary')).toContainText('影响临床业务');
  // 检验申请与报告 runs on another VM: it is not affected.
  await expect(impact.getByTestId('impact-business')).not.toContainText('检验申请与报告');
  await page.screenshot({ path: screenshotPath('web-cmdb-impact') });

  // From the other end: everything 门诊挂号 depends on, down to the machine room.
  await page.getByRole('link', { name: '门诊挂号' }).click();
  await expect(page.getByTestId('ci-title')).toContainText('门诊挂号');
  await page.getByRole('tab', { name: '依赖' }).click();
  const dependencies = page.getByTestId('ci-dependencies');
  for (const name of ['HIS', 'vm-his', 'db-his', 'srv-01', 'sw-core', '数据机房 A']) await expect(dependencies).toContainText(name);
  // a data flow carries data, not impact: LIS is not a dependency
  await expect(dependencies.locator('.el-table__row', { hasText: 'LIS' })).toHaveCount(0);
});

test('the B&IT diagram exports as a PNG image', async ({ page }, testInfo) => {
  await webLogin(page, USERS.engineer);
  await openDiagramFrom(page, '门诊挂号');
  await node(page, 'HIS').click();
  await expect(node(page, 'vm-his')).toBeVisible();
  const svg = page.getByTestId('bit-diagram');
  const width = Number(await svg.getAttribute('width'));
  const height = Number(await svg.getAttribute('height'));

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('diagram-export').click()]);
  expect(download.suggestedFilename()).toBe('bit-diagram-BA-REG.png');
  const path = testInfo.outputPath('diagram.png');
  await download.saveAs(path);
  const png = readFileSync(path);
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  // drawn at twice the on-screen size
  expect(png.readUInt32BE(16)).toBe(Math.ceil(width * 2));
  expect(png.readUInt32BE(20)).toBe(Math.ceil(height * 2));
  expect(png.length).toBeGreaterThan(10_000);

  // The image really shows the diagram: load it in the page and look for the layer colours.
  const colours = await page.evaluate(async (bytes: number[]) => {
    const blob = new Blob([new Uint8Array(bytes)], { type: 'image/png' });
    const bitmap = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
    context.drawImage(bitmap, 0, 0);
    const data = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const seen = new Set<string>();
    for (let i = 0; i < data.length; i += 4) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
    return { white: seen.has('255,255,255'), application: seen.has('14,124,134'), flow: seen.has('184,110,0'), distinct: seen.size };
  }, [...png]);
  expect(colours).toMatchObject({ white: true, application: true, flow: true });
  expect(colours.distinct).toBeGreaterThan(50);
});

test('an Excel import of 100 CIs saves 98 and reports exactly the two bad rows', async ({ page }) => {
  // 支持组 takes a group's code or its name
  const rows: Cell[][] = [['类型', '编码', '名称', '状态', '影响临床业务', '支持组', 'IP 地址', '操作系统', 'vCPU']];
  for (let i = 1; i <= 100; i += 1) {
    const n = String(i).padStart(3, '0');
    const group = i % 2 ? 'desktop' : '桌面运维组';
    rows.push(['virtual_machine', `E2E-VM-${n}`, `导入测试虚拟机 ${n}`, '在用', '否', group, `10.50.${Math.floor(i / 200)}.${i}`, 'Rocky Linux 9', 4]);
  }
  rows[11]![6] = '10.50.0.999'; // sheet row 12: not an IP address
  rows[61]![2] = null; // sheet row 62: no name
  const workbook = xlsxWorkbook('虚拟机', rows);

  await webLogin(page, USERS.engineer);
  await page.getByTestId('nav-cmdb_import').click();
  await expect(page).toHaveURL(/\/cmdb\/import$/);
  await expect(page.getByTestId('cmdb-import-template')).toHaveAttribute('href', '/api/v1/cmdb/items/import-template/');
  await page
    .getByTestId('cmdb-import-upload')
    .locator('input[type=file]')
    .setInputFiles({
      name: 'cmdb-100.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: workbook,
    });
  await page.getByTestId('cmdb-import-submit').click();

  const job = page.getByTestId('cmdb-import-job');
  await expect(job).toContainText('导入完成，2 行未导入', { timeout: 60_000 });
  await expect(job.locator('.el-descriptions')).toContainText(/失败\s*2/);
  const errors = page.getByTestId('cmdb-import-errors').locator('.el-table__body-wrapper .el-table__row');
  await expect(errors).toHaveCount(2);
  await expect(errors.nth(0)).toContainText('12');
  await expect(errors.nth(0)).toContainText('E2E-VM-011');
  await expect(errors.nth(0)).toContainText('IP');
  await expect(errors.nth(1)).toContainText('62');
  await expect(errors.nth(1)).toContainText('E2E-VM-061');
  await expect(errors.nth(1)).toContainText('名称');
  await page.screenshot({ path: screenshotPath('web-cmdb-import'), fullPage: true });

  // The other 98 are in the CMDB (created on a first run, updated on a retry).
  await page.getByTestId('nav-cmdb').click();
  await page.getByTestId('cmdb-search').fill('E2E-VM');
  await page.getByTestId('cmdb-search').press('Enter');
  await expect(page.getByTestId('cmdb-total')).toHaveText('共 98 个配置项');
  // … and the Excel export holds exactly the filtered list.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('cmdb-export').click()]);
  expect(download.suggestedFilename()).toMatch(/^cmdb-\d{8}-\d{4}\.xlsx$/);
  const exported = readFileSync(await download.path());
  // cell text is inline in the sheets or in the shared strings, depending on the writer
  const strings = zipText(exported, 'xl/');
  expect(strings).toContain('E2E-VM-100');
  expect(strings).not.toContain('E2E-VM-061');
  expect(strings).not.toContain('vm-his');
  // 060 and 062–069 made it, 061 did not
  await page.getByTestId('cmdb-search').fill('E2E-VM-06');
  await page.getByTestId('cmdb-search').press('Enter');
  await expect(page.getByTestId('cmdb-total')).toHaveText('共 9 个配置项');
  await expect(page.getByTestId('cmdb-table')).toContainText('E2E-VM-060');
  await expect(page.getByTestId('cmdb-table')).not.toContainText('E2E-VM-061');
  // every imported row names 桌面运维组, by code or by name
  const imported = page.getByTestId('cmdb-table').locator('.el-table__body-wrapper .el-table__row');
  await expect(imported).toHaveCount(9);
  await expect(imported.filter({ hasText: '桌面运维组' })).toHaveCount(9);
});

test('an engineer registers a VM, sees the API’s field error beside the IP, links it and reads its history', async ({ page }) => {
  const stamp = Date.now().toString(36);
  const ip = `10.60.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`;
  await webLogin(page, USERS.engineer);
  await page.getByTestId('nav-cmdb').click();
  await expect(page.getByTestId('cmdb-table')).toContainText('vm-his');
  await page.getByTestId('cmdb-create').click();
  const dialog = page.getByTestId('ci-dialog');
  await chooseOption(page, 'ci-class', '虚拟机');
  await expect(dialog.getByTestId('ci-attr-ip_address')).toHaveClass(/is-required/);
  await dialog.getByTestId('ci-code').fill(`vm-e2e-${stamp}`);
  await dialog.getByTestId('ci-name').fill(`测试虚拟机 ${stamp}`);
  await chooseOption(page, 'ci-support-group', '桌面运维组');
  await dialog.getByTestId('ci-attr-ip_address').locator('input').fill('10.1.1.10');
  await dialog.getByTestId('ci-attr-os').locator('input').fill('Rocky Linux 9');
  await dialog.getByTestId('ci-save').click();
  // The IP address belongs to vm-his: the server says so, under the IP field.
  await expect(dialog.getByTestId('ci-attr-ip_address')).toContainText('已被配置项 vm-his 使用');
  await page.screenshot({ path: screenshotPath('web-cmdb-form-error') });

  await dialog.getByTestId('ci-attr-ip_address').locator('input').fill(ip);
  await dialog.getByTestId('ci-save').click();
  await expect(page).toHaveURL(/\/cmdb\/items\/\d+$/);
  await expect(page.getByTestId('ci-title')).toContainText(`测试虚拟机 ${stamp}`);
  await expect(page.getByTestId('ci-attributes')).toContainText(ip);
  await expect(page.getByTestId('ci-fields').getByTestId('ci-support-group')).toHaveText('桌面运维组');

  // It is hosted in srv-01.
  await page.getByRole('tab', { name: '关系' }).click();
  await page.getByTestId('relation-add').click();
  const relation = page.getByTestId('relation-dialog');
  await chooseOption(page, 'relation-type', '位于');
  await relation.getByTestId('relation-other').click();
  await page.keyboard.type('srv-01');
  await page.getByRole('option', { name: /srv-01/ }).click();
  await expect(relation.getByTestId('relation-preview')).toHaveText(`将登记：测试虚拟机 ${stamp} 位于 srv-01`);
  await relation.getByTestId('relation-save').click();
  await expect(page.getByTestId('relations-outgoing')).toContainText('srv-01');
  await expect(page.getByTestId('relations-outgoing')).toContainText('位于');

  // The history has the creation with its values and the new relation, by 王工 (his user name
  // on hover).
  await page.getByRole('tab', { name: '变更历史' }).click();
  const history = page.getByTestId('ci-history');
  const actor = history.getByTestId('history-actor').first();
  await expect(actor).toHaveText('王工');
  await expect(history).toContainText('创建');
  await expect(history).toContainText(new RegExp(`IP 地址\\s*${ip.replace(/\./g, '\\.')}`));
  await expect(history).toContainText(/支持组\s*桌面运维组/);
  await expect(history).toContainText(`测试虚拟机 ${stamp} → srv-01 (位于)`);
  await actor.hover();
  await expect(page.getByRole('tooltip', { name: '用户名：engineer_wang' })).toBeVisible();
  await page.screenshot({ path: screenshotPath('web-cmdb-history'), fullPage: true });

  // The list finds it by its support group, and names the group in its own column.
  await page.getByTestId('nav-cmdb').click();
  await page.getByTestId('cmdb-search').fill(`vm-e2e-${stamp}`);
  await page.getByTestId('cmdb-search').press('Enter');
  await chooseOption(page, 'cmdb-support-group', '应用组');
  await expect(page.getByTestId('cmdb-total')).toHaveText('共 0 个配置项');
  await chooseOption(page, 'cmdb-support-group', '桌面运维组');
  await expect(page.getByTestId('cmdb-total')).toHaveText('共 1 个配置项');
  await expect(page.getByTestId('cmdb-table').locator('.el-table__body-wrapper .el-table__row')).toContainText('桌面运维组');
});

test('an admin cannot make an attribute unique while items share a value, and is told which', async ({ page }) => {
  const stamp = Date.now().toString(36);
  const ip = `10.70.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`;
  await webLogin(page, USERS.admin);
  // Two terminals with the same IP address, prepared through the API.
  const classes = (await (await page.request.get('/api/v1/cmdb/classes/')).json()) as { id: number; code: string }[];
  const terminal = classes.find((c) => c.code === 'terminal');
  expect(terminal).toBeTruthy();
  const csrf = (await page.context().cookies()).find((c) => c.name === 'csrftoken')?.value ?? '';
  for (const n of [1, 2]) {
    const response = await page.request.post('/api/v1/cmdb/items/', {
      headers: { 'X-CSRFToken': csrf },
      data: { ci_class: terminal?.id, code: `PC-${stamp}-${n}`, name: `护士站电脑 ${n}`, attributes: { ip_address: ip } },
    });
    expect(response.status()).toBe(201);
  }

  await page.getByTestId('nav-cmdb_classes').click();
  await expect(page).toHaveURL(/\/cmdb\/classes$/);
  await page.getByTestId('classes-table').getByText('PC/终端').click();
  const attributes = page.getByTestId('attributes-table');
  await expect(attributes).toContainText('MAC 地址');
  await attributes.locator('.el-table__row', { hasText: 'ip_address' }).getByRole('button', { name: '编辑' }).click();
  const dialog = page.getByTestId('attribute-dialog');
  await dialog.getByTestId('attribute-unique').click();
  await dialog.getByTestId('attribute-save').click();
  await expect(dialog.getByTestId('attribute-error')).toContainText('不能设为唯一');
  await expect(dialog.getByTestId('attribute-error')).toContainText(`PC-${stamp}-1`);
  await expect(dialog).toContainText('现有数据存在重复值');
  await page.screenshot({ path: screenshotPath('web-cmdb-classes') });
});
