import { expect, test, type Locator } from '@playwright/test';

import { USERS, apiSession, pageScreenshot, photoPng, webLogin } from './helpers';

/**
 * Writing the knowledge base (issue 8, authoring side): a reviewer puts a screenshot into a new
 * article and publishes it, a nurse sees the picture on the web and on the phone; an admin keeps
 * the category tree. See docs/knowledge.md.
 */

const STAMP = Date.now().toString(36);

/** The picture really loaded (an authorised download, not a broken image). */
async function expectLoaded(image: Locator): Promise<void> {
  await expect(image).toBeVisible();
  await expect.poll(() => image.evaluate((element) => (element as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
}

test('a reviewer inserts a screenshot into an article and publishes; a nurse sees it', async ({ page, playwright }) => {
  const title = `打印机后盖卡纸（带截图）${STAMP}`;
  await webLogin(page, USERS.manager);
  await page.goto('/admin/knowledge/new');
  const editor = page.getByTestId('kb-editor-page');
  await editor.getByTestId('kb-field-title').fill(title);
  await editor.getByTestId('kb-editor-content').click();
  await page.keyboard.type('打开后盖，按下图取出卡住的纸张。');
  // Before the first save: the picture is uploaded without an article and joins it on save.
  await editor.getByTestId('kb-image-input').setInputFiles({ name: '后盖.png', mimeType: 'image/png', buffer: photoPng() });
  const inEditor = editor.getByTestId('kb-editor-content').locator('img');
  await expect(inEditor).toHaveAttribute('src', /^\/api\/v1\/knowledge\/images\/\d+\/download\/$/);
  await expectLoaded(inEditor);
  // A file that is not a picture is refused before upload.
  await editor.getByTestId('kb-image-input').setInputFiles({ name: 'notes.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') });
  await expect(page.locator('.el-message--error')).toContainText('只能插入 JPG、PNG、GIF 或 WebP 图片');
  await expect(inEditor).toHaveCount(1);

  await editor.getByTestId('kb-publish').click();
  await expect(page.getByTestId('kb-status')).toContainText('已发布');
  await expect(page).toHaveURL(/\/admin\/knowledge\/\d+$/);
  const articleId = Number(/\/admin\/knowledge\/(\d+)/.exec(page.url())?.[1]);
  await pageScreenshot(page, 'web-knowledge-image-editor');

  // The editor's own reads are no views.
  await page.reload();
  await expect(editor.getByTestId('kb-field-title')).toHaveValue(title);
  const manager = await apiSession(playwright, USERS.manager);
  const saved = (await manager.get(`/api/v1/knowledge/articles/${articleId}/?edit=true`)) as { body: string; view_count: number };
  expect(saved.view_count).toBe(0);
  const src = /<img src="([^"]+)"/.exec(saved.body)?.[1] ?? '';
  expect(src).toMatch(/^\/api\/v1\/knowledge\/images\/\d+\/download\/$/);
  await manager.dispose();

  await page.context().clearCookies();
  await webLogin(page, USERS.nurse);
  await page.goto(`/knowledge/articles/${articleId}`);
  await expect(page.getByTestId('kb-article-title')).toHaveText(title);
  const shown = page.getByTestId('kb-article-body').locator('img');
  await expect(shown).toHaveAttribute('src', src);
  await expectLoaded(shown);
  await pageScreenshot(page, 'web-knowledge-image-article');

  // The same article on the phone.
  await page.goto(`/h5/knowledge/articles/${articleId}`);
  await expect(page.getByTestId('kb-article-title')).toHaveText(title);
  await expectLoaded(page.getByTestId('kb-article-body').locator('img'));
});

test('an admin creates, renames and deletes a knowledge category', async ({ page, playwright }) => {
  const name = `自助打印机 ${STAMP}`;
  // A category that holds a (draft) article: in use, it cannot be deleted.
  const admin = await apiSession(playwright, USERS.admin);
  const usedName = `网络 ${STAMP}`;
  const usedCategory = (await admin.post('/api/v1/knowledge/categories/', { name: usedName })) as { id: number };
  await admin.post('/api/v1/knowledge/articles/', { title: `VPN 连不上 ${STAMP}`, body: '<p>重新登录。</p>', category: usedCategory.id });
  await admin.dispose();
  await webLogin(page, USERS.admin);
  await page.getByTestId('side-menu').getByText('知识分类', { exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/knowledge\/categories$/);
  const tree = page.getByTestId('kb-category-tree');

  await page.getByTestId('kb-category-new').click();
  const dialog = page.getByTestId('kb-category-dialog');
  await dialog.getByTestId('kb-category-name').fill(name);
  await dialog.getByTestId('kb-category-save').click();
  await expect(dialog).toBeHidden();
  const node = tree.locator('.el-tree-node__content', { hasText: name });
  await expect(node).toBeVisible();

  await node.getByTestId('kb-category-edit').click();
  await expect(dialog.getByTestId('kb-category-name')).toHaveValue(name);
  await dialog.getByTestId('kb-category-name').fill(`${name}（门诊）`);
  await dialog.getByTestId('kb-category-save').click();
  await expect(dialog).toBeHidden();
  const renamed = tree.locator('.el-tree-node__content', { hasText: `${name}（门诊）` });
  await expect(renamed).toBeVisible();
  await pageScreenshot(page, 'web-knowledge-categories');

  // A category with articles is refused; an empty one goes.
  const used = tree.locator('.el-tree-node__content', { hasText: usedName });
  await used.getByTestId('kb-category-delete').click();
  await page.getByRole('button', { name: '删除' }).last().click();
  await expect(page.locator('.el-message--error')).toContainText('该分类下还有文章或子分类');

  await renamed.getByTestId('kb-category-delete').click();
  await page.getByRole('button', { name: '删除' }).last().click();
  await expect(renamed).toHaveCount(0);
});
