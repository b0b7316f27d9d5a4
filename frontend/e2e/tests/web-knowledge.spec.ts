import { expect, test } from '@playwright/test';

import { USERS, apiSession, pageScreenshot, webLogin } from './helpers';

/**
 * The knowledge base end to end (issue 8's acceptance): a nurse asks before reporting, the
 * printer article answers with 「解决了吗？」, she says no and lands in a filled-in ticket form; an
 * engineer turns a resolved ticket into a draft article, a manager publishes it, and a colloquial
 * question finds it.
 */

const STAMP = Date.now().toString(36);

test('a nurse asks first; "not solved" leads to a filled-in ticket form', async ({ page, playwright }) => {
  const engineer = await apiSession(playwright, USERS.engineer);
  const manager = await apiSession(playwright, USERS.manager);
  const title = `激光打印机卡纸的处理方法 ${STAMP}`;
  const article = (await engineer.post('/api/v1/knowledge/articles/', {
    title,
    summary: '打印机卡纸、亮黄灯时，按步骤取出卡住的纸张。',
    body: '<h3>处理步骤</h3><ol><li>关闭打印机电源</li><li>打开前盖，双手均匀用力取出卡住的纸张</li></ol><p class="figure">【截图】前盖打开后的纸路</p>',
    keywords: ['打印机', '卡纸'],
    tags: ['打印'],
  })) as { id: number };
  await manager.post(`/api/v1/knowledge/articles/${article.id}/publish/`, {});

  await webLogin(page, USERS.nurse);
  await page.goto('/tickets/new');
  await page.getByTestId('kb-ask-input').fill('打印机卡纸了');
  await page.getByTestId('kb-ask-submit').click();
  const card = page.getByTestId('kb-answer-card');
  await expect(card).toContainText(title);
  await expect(page.getByTestId('kb-solved-prompt')).toBeVisible();
  await pageScreenshot(page, 'web-knowledge-answer');
  await page.getByTestId('kb-solved-no').click();
  await expect(page.getByTestId('new-ticket-form')).toBeVisible();
  await expect(page.getByTestId('new-description')).toHaveValue('打印机卡纸了');

  // The question is on record with the article shown and the nurse's answer.
  const log = (await manager.get('/api/v1/knowledge/questions/?outcome=unsolved')) as {
    results: { text: string; article: number | null; answered: boolean }[];
  };
  expect(log.results.find((q) => q.text === '打印机卡纸了')).toMatchObject({ article: article.id, answered: true });
  await engineer.dispose();
  await manager.dispose();
});

test('an engineer turns a resolved ticket into an article a colloquial question finds', async ({ page, playwright }) => {
  const nurse = await apiSession(playwright, USERS.nurse);
  const agent = await apiSession(playwright, USERS.agent);
  const engineer = await apiSession(playwright, USERS.engineer);
  const manager = await apiSession(playwright, USERS.manager);
  // A resolved ticket: 检验科 label printer skipping labels, fixed by recalibrating the sensor.
  const ticket = (await nurse.post('/api/v1/tickets/', {
    kind: 'incident',
    title: `条码打印机标签跳页 ${STAMP}`,
    description: '抽血台条码打印机每打一张就空出一张标签，标签浪费很多。',
  })) as { id: number; number: string };
  await agent.post(`/api/v1/tickets/${ticket.id}/accept/`, {});
  const admin = await apiSession(playwright, USERS.admin);
  const wang = ((await admin.get('/api/v1/users/?search=engineer_wang')) as { results: { id: number }[] }).results[0];
  await admin.dispose();
  // 王工's group (桌面运维组) comes with him.
  await agent.post(`/api/v1/tickets/${ticket.id}/assign/`, { assignee: wang?.id });
  await engineer.post(`/api/v1/tickets/${ticket.id}/resolve/`, { code: 'fixed', notes: '重新校准标签传感器（长按走纸键 5 秒），标签不再跳页。' });

  await webLogin(page, USERS.engineer);
  await page.goto(`/tickets/${ticket.id}`);
  await page.getByTestId('ticket-make-article').click();
  await expect(page).toHaveURL(/\/admin\/knowledge\/\d+/);
  const editor = page.getByTestId('kb-editor-page');
  await expect(editor.getByTestId('kb-field-title')).toHaveValue(`条码打印机标签跳页 ${STAMP}`);
  const articleId = Number(/\/admin\/knowledge\/(\d+)/.exec(page.url())?.[1]);
  await editor.getByTestId('kb-submit').click();
  await expect(page.getByTestId('kb-status')).toContainText('待审核');

  // The manager publishes it from the editor.
  await page.context().clearCookies();
  await webLogin(page, USERS.manager);
  await page.goto(`/admin/knowledge/${articleId}`);
  await page.getByTestId('kb-publish').click();
  await expect(page.getByTestId('kb-status')).toContainText('已发布');
  await pageScreenshot(page, 'web-knowledge-published');

  // A colloquial question finds it (the body says 跳页 and 标签; the nurse writes 空一张).
  const answer = (await nurse.post('/api/v1/knowledge/answer/', { question: '条码打印机老是跳页 空一张标签', channel: 'web' })) as {
    articles: { id: number }[];
  };
  expect(answer.articles[0]?.id).toBe(articleId);
  for (const session of [nurse, agent, engineer, manager]) await session.dispose();
});
