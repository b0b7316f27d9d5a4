import { expect, test, type Browser, type Page } from '@playwright/test';

import { USERS, chooseOption, pageScreenshot, photoPng, screenshotPath, webLogin } from './helpers';

test.use({ actionTimeout: 15_000 });

/** Agents work on wide screens; the split view (list + detail) needs the room. */
const DESK_VIEWPORT = { width: 1600, height: 900 };

async function signedIn(browser: Browser, user: { username: string; password: string }): Promise<Page> {
  const context = await browser.newContext({ viewport: DESK_VIEWPORT });
  const page = await context.newPage();
  await webLogin(page, user);
  return page;
}

async function status(page: Page): Promise<string> {
  return (await page.getByTestId('ticket-header').getByTestId('status-tag').innerText()).trim();
}

test('a printer on a Monday morning: from the nurse to the desk, the engineer and back, live and on the record', async ({
  browser,
}) => {
  test.setTimeout(180_000);

  // 陈工 has the desk open before anything happens.
  const agent = await signedIn(browser, USERS.agent);
  await agent.getByTestId('nav-desk').click();
  await expect(agent).toHaveURL(/\/desk$/);
  await expect(agent.getByTestId('ws-status')).toHaveClass(/ws-status--open/);
  await expect(agent.getByTestId('queue-count-intake')).toHaveText(/^\d+$/);
  const intakeBefore = Number(await agent.getByTestId('queue-count-intake').innerText());

  // 李护士 reports the jammed printer with a photo on the web portal.
  const nurse = await signedIn(browser, USERS.nurse);
  await nurse.getByTestId('nav-new_ticket').click();
  await expect(nurse).toHaveURL(/\/tickets\/new$/);
  // The knowledge base is asked first; an answer she says did not help leads on to the form.
  await nurse.getByTestId('kb-ask-input').fill('门诊3楼打印机一直卡纸，处方打不出来');
  await nurse.getByTestId('kb-ask-submit').click();
  const answer = nurse.getByTestId('kb-answer-card');
  await expect(answer.or(nurse.getByTestId('new-description'))).toBeVisible();
  if (await answer.isVisible()) await nurse.getByTestId('kb-solved-no').click();
  await expect(nurse.getByTestId('new-description')).toHaveValue('门诊3楼打印机一直卡纸，处方打不出来');
  await nurse.getByTestId('kind-incident').click();
  // el-tree-select hands its attributes to both the select and the tree inside it.
  const category = nurse.locator('.el-select[data-testid="new-category"]');
  await category.click();
  await category.locator('input').fill('打印机');
  await nurse.locator('.el-select-dropdown').getByText('打印机', { exact: true }).click();
  await nurse.getByTestId('new-location-building').fill('门诊楼');
  await nurse.getByTestId('new-location-floor').fill('3');
  await nurse.getByTestId('new-location-room').fill('护士站');
  await nurse.getByTestId('new-phone').fill('8301');
  await nurse
    .getByTestId('new-files')
    .locator('input[type=file]')
    .setInputFiles({ name: '打印机卡纸.png', mimeType: 'image/png', buffer: photoPng() });
  await expect(nurse.locator('.el-upload-list__item')).toHaveCount(1);
  await pageScreenshot(nurse, 'web-new-ticket');
  await nurse.getByTestId('new-submit').click();
  await expect(nurse).toHaveURL(/\/tickets\/\d+$/);
  const ticketUrl = new URL(nurse.url()).pathname;
  const number = (await nurse.getByTestId('ticket-number').innerText()).trim();
  expect(number).toMatch(/^INC-/);
  await expect(nurse.getByTestId('ticket-location')).toContainText('门诊楼');
  await expect(nurse.getByTestId('attachment-image')).toHaveCount(1);
  await expect(nurse.getByTestId('progress-tracker')).toContainText('已提交');

  // It appears in 陈工's 受理队列 without a reload; the count moves with it.
  const row = agent.getByTestId(`row-${number}`);
  await expect(row).toBeVisible();
  await expect(agent.getByTestId('queue-count-intake')).toHaveText(String(intakeBefore + 1));
  await expect(row).toContainText('新');
  await agent.screenshot({ path: screenshotPath('web-desk') });

  // Split view: the detail opens beside the queue; 陈工 accepts and dispatches to 王工.
  await row.click();
  const detail = agent.getByTestId('desk-detail');
  await expect(detail.getByTestId('ticket-number')).toHaveText(number);
  await expect(detail.getByTestId('attachment-image')).toHaveCount(1);
  await detail.getByTestId('action-accept').click();
  await expect(detail.getByTestId('ticket-header').getByTestId('status-tag')).toHaveText('待派发');
  await detail.getByTestId('action-assign').click();
  const dialog = agent.getByTestId('action-dialog');
  await chooseOption(agent, 'dialog-group', '桌面运维组');
  await chooseOption(agent, 'dialog-assignee', '王工');
  await dialog.getByTestId('dialog-submit').click();
  await expect(detail.getByTestId('field-assignee')).toHaveText('桌面运维组 / 王工');
  await expect(detail.getByTestId('ticket-header').getByTestId('status-tag')).toHaveText('已派发');
  await expect(dialog).toBeHidden();
  // It left 受理队列 for 全部未完成, where it stays selected beside the list.
  await agent.getByTestId('queue-open').click();
  await expect(agent.getByTestId(`row-${number}`)).toBeVisible();
  await expect(agent.locator('.el-message')).toHaveCount(0, { timeout: 15_000 });
  await agent.screenshot({ path: screenshotPath('web-desk-split') });

  // 王工 hears about it from the bell and asks the nurse a question (pending on the requester).
  const engineer = await signedIn(browser, USERS.engineer);
  await expect(engineer.getByTestId('bell-badge').locator('sup')).toHaveText(/^[1-9]/);
  await engineer.getByTestId('bell').click();
  await engineer.getByTestId('bell-item').filter({ hasText: number }).first().click();
  await expect(engineer).toHaveURL(new RegExp(`${ticketUrl}$`));
  await engineer.getByTestId('action-pend').click();
  await engineer.getByTestId('action-dialog').getByText('等待报修人回复').click();
  await engineer.getByTestId('dialog-note').fill('请问是哪一台打印机？机身标签上的型号是什么？');
  await engineer.getByTestId('dialog-submit').click();
  await expect.poll(() => status(engineer)).toBe('挂起');

  // The nurse's page follows live; she answers, which resumes the ticket.
  await expect(nurse.getByTestId('ticket-header').getByTestId('status-tag')).toHaveText('挂起');
  await expect(nurse.getByTestId('progress-tracker')).toContainText('等待报修人回复');
  await nurse.getByTestId('reply-body').fill('是护士站那台 HP M403，标签上写着 MZ-3F-01。');
  await nurse.getByTestId('reply-send').click();
  await expect(nurse.getByTestId('ticket-header').getByTestId('status-tag')).toHaveText('处理中');

  // 王工 sees the answer without reloading and resolves.
  await expect(engineer.getByTestId('timeline')).toContainText('HP M403');
  await expect.poll(() => status(engineer)).toBe('处理中');
  await engineer.getByTestId('action-resolve').click();
  await chooseOption(engineer, 'dialog-code', '已修复');
  await engineer.getByTestId('dialog-notes').fill('取出卡住的纸张，清洁搓纸轮，已试打印正常。');
  await engineer.getByTestId('dialog-submit').click();
  await expect.poll(() => status(engineer)).toBe('已解决');

  // The nurse confirms with one click; the ticket closes.
  await expect(nurse.getByTestId('action-confirm')).toBeVisible();
  await pageScreenshot(nurse, 'web-ticket-requester');
  await nurse.getByTestId('action-confirm').click();
  await expect(nurse.getByTestId('ticket-header').getByTestId('status-tag')).toHaveText('已关闭');

  // The timeline shows every step with who did it and when.
  await engineer.reload();
  const events = engineer.getByTestId('timeline-event');
  const expected: [string, string][] = [
    ['李护士', '提交'],
    ['陈工', '受理'],
    ['陈工', '派发'],
    ['王工', '挂起'],
    ['李护士', '回复'],
    ['李护士', '恢复处理'],
    ['王工', '解决'],
    ['李护士', '确认解决'],
  ];
  await expect(events).toHaveCount(expected.length);
  for (const [index, [actor, kind]] of expected.entries()) {
    const event = events.nth(index);
    await expect(event.getByTestId('timeline-actor')).toHaveText(actor);
    await expect(event.getByTestId('timeline-kind')).toHaveText(kind);
    await expect(event.getByTestId('timeline-time')).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  }
  await expect(events.nth(2)).toContainText('派发给 桌面运维组 / 王工');
  await expect(events.nth(3)).toContainText('挂起：等待报修人回复');
  await pageScreenshot(engineer, 'web-ticket-detail');

  // Back on the desk, the ticket has left the intake queue.
  await expect(agent.getByTestId(`row-${number}`)).toHaveCount(0);
  await expect(agent.getByTestId('queue-count-intake')).toHaveText(String(intakeBefore));

  // The nurse's list shows the whole journey; her notifications page lists the updates.
  await nurse.getByTestId('nav-my_tickets').click();
  await nurse.getByTestId('my-scope-all').click();
  const mine = nurse.getByTestId('my-ticket').filter({ hasText: number });
  await expect(mine).toContainText('处理人：王工');
  await pageScreenshot(nurse, 'web-my-tickets');
  await nurse.getByTestId('nav-notifications').click();
  await expect(nurse.getByTestId('notifications-table')).toContainText(number);
  await expect(nurse.getByTestId('pref-ticket.resolved-inapp')).toBeVisible();
  await expect(nurse.getByTestId('pref-ticket.resolved-inapp').locator('.el-switch')).toHaveClass(/is-disabled/);
  await nurse.getByTestId('pref-ticket.resolved-inapp').hover();
  await expect(nurse.getByRole('tooltip', { name: '您自己的工单进度通知无法关闭' })).toBeVisible();
  await pageScreenshot(nurse, 'web-notifications');
});

test('a nurse who opens a ticket she may not see gets the 404 page', async ({ page }) => {
  await webLogin(page, USERS.nurse);
  await page.goto('/tickets/999999');
  await expect(page.getByTestId('not-found')).toBeVisible();
});
