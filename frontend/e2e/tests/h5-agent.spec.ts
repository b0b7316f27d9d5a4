import { expect, test, type Browser, type Page } from '@playwright/test';

import { USERS, apiSession, screenshotPath } from './helpers';

// Agent mode on the phone (requirement 3.3): 李护士 reports a jammed printer on the H5, 王工 (桌面运维组)
// picks it up from 我的任务, works and resolves it from his phone, and she sees it solved.

const PHONE = { viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true } as const;
test.use({ ...PHONE, actionTimeout: 15_000 });

/** The H5 form has no category: a keyword rule sends printer tickets to 桌面运维组 for this story. */
const RULE_PREFIX = 'e2e H5 打印机派单';

async function h5SignedIn(browser: Browser, user: { username: string; password: string }): Promise<Page> {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await page.goto('/h5/login');
  await page.getByTestId('login-username').locator('input').fill(user.username);
  await page.getByTestId('login-password').locator('input').fill(user.password);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/h5\/$/);
  return page;
}

test('on the phone, an engineer takes a printer ticket from 我的任务, works it and resolves it; the nurse sees it solved', async ({
  browser,
  playwright,
}) => {
  test.setTimeout(180_000);
  const stamp = Date.now().toString(36);
  const problem = `门诊2楼护士站打印机卡纸，处方打不出来 ${stamp}`;

  // --- set-up through the admin API: route printer tickets to 桌面运维组 --------------------------
  const admin = await apiSession(playwright, USERS.admin);
  // A retry starts clean: an earlier attempt's rule is removed.
  const rules = (await admin.get('/api/v1/routing-rules/')) as { id: number; name: string }[];
  for (const old of rules.filter((r) => r.name.startsWith(RULE_PREFIX))) await admin.delete(`/api/v1/routing-rules/${old.id}/`);
  const groups = (await admin.get('/api/v1/assignment-groups/?search=desktop')) as { results: { id: number; code: string }[] };
  const desktop = groups.results.find((group) => group.code === 'desktop');
  expect(desktop, '桌面运维组 from scripts/e2e-server.sh').toBeTruthy();
  const rule = (await admin.post('/api/v1/routing-rules/', {
    name: `${RULE_PREFIX}${stamp}`,
    order: 0,
    keywords: '打印机',
    target_group: desktop?.id,
    auto_assign: false,
  })) as { id: number };

  try {
    // --- 李护士 reports it on her phone ---------------------------------------------------------
    const nurse = await h5SignedIn(browser, USERS.nurse);
    await expect(nurse.getByTestId('tab-tasks')).toHaveCount(0); // requesters have no agent mode
    await nurse.getByTestId('h5-search').locator('input').fill(problem);
    await nurse.getByTestId('h5-report').click();
    // The knowledge base answers first when it knows something; this time it did not help.
    const answer = nurse.getByTestId('kb-answer-card');
    const description = nurse.getByTestId('h5-description');
    await expect(answer.or(description)).toBeVisible();
    if (await answer.isVisible()) await nurse.getByTestId('kb-solved-no').click();
    await expect(description.locator('textarea')).toHaveValue(problem);
    await nurse.getByText('补充信息（可不填）').click();
    await nurse.getByRole('textbox', { name: '楼栋' }).fill('门诊楼');
    await nurse.getByRole('textbox', { name: '楼层' }).fill('2');
    await nurse.getByRole('textbox', { name: '房间/科室' }).fill('护士站');
    await nurse.getByTestId('h5-submit').click();
    await expect(nurse).toHaveURL(/\/h5\/tickets\/\d+$/);
    const number = (await nurse.getByTestId('h5-ticket-number').innerText()).trim();
    await expect(nurse.getByTestId('h5-status')).toHaveText('待受理');
    await expect(nurse.getByTestId('h5-agent-actions')).toHaveCount(0);

    // --- 王工 finds it in 我的任务 → 待领取 ------------------------------------------------------
    const engineer = await h5SignedIn(browser, USERS.engineer);
    await engineer.getByTestId('tab-tasks').click();
    await expect(engineer).toHaveURL(/\/h5\/tasks/);
    await engineer.getByRole('tab', { name: /^待领取/ }).click();
    const card = engineer.getByTestId('h5-tasks-unassigned').getByTestId('h5-task').filter({ hasText: number });
    await expect(card).toBeVisible();
    await expect(card).toContainText(problem);
    await expect(card).toContainText('李护士 · 门诊部');
    await expect(card).toContainText('桌面运维组');
    await expect(card.getByTestId('h5-status')).toHaveText('待受理');
    await expect(card.getByTestId('h5-priority')).toHaveText(/^P\d /);
    await expect(card.getByTestId('h5-sla-mark')).toHaveAttribute('data-level', /^(ok|warning|breached|none)$/);
    await engineer.screenshot({ path: screenshotPath('h5-agent-tasks'), fullPage: true });

    // --- the ticket: where, who, and only the buttons the server allows an engineer ----------
    await card.click();
    await expect(engineer).toHaveURL(/\/h5\/tickets\/\d+$/);
    await expect(engineer.getByTestId('h5-ticket-number')).toHaveText(number);
    await expect(engineer.getByTestId('h5-agent-location')).toHaveText('门诊楼 2 层 护士站');
    await expect(engineer.getByTestId('h5-agent-owner')).toHaveText('桌面运维组 / 未派发');
    await expect(engineer.getByTestId('h5-agent-take')).toBeVisible();
    await expect(engineer.getByTestId('h5-agent-accept')).toHaveCount(0); // only the desk accepts
    await expect(engineer.getByTestId('h5-agent-resolve')).toHaveCount(0); // not before it is his

    // 接单 (assign to himself), then 开始处理.
    await engineer.getByTestId('h5-agent-take').click();
    await expect(engineer.getByTestId('h5-status')).toHaveText('已派发');
    await expect(engineer.getByTestId('h5-agent-owner')).toHaveText('桌面运维组 / 王工');
    await engineer.getByTestId('h5-agent-start').click();
    await expect(engineer.getByTestId('h5-status')).toHaveText('处理中');

    // An internal note for colleagues (the nurse never sees it).
    await engineer.getByTestId('h5-reply-internal').click();
    await engineer.getByTestId('h5-reply-body').locator('textarea').fill(`搓纸轮磨损，库房有备件 ${stamp}`);
    await engineer.getByTestId('h5-reply-send').click();
    await expect(engineer.getByTestId('h5-timeline')).toContainText(`搓纸轮磨损，库房有备件 ${stamp}`);

    // 解决: resolution code and notes on a bottom sheet.
    await engineer.getByTestId('h5-agent-resolve').click();
    const sheet = engineer.getByTestId('h5-agent-form');
    await expect(sheet).toBeVisible();
    await sheet.getByTestId('h5-agent-submit').click();
    await expect(sheet).toContainText('此项为必填项');
    await sheet.getByRole('radio', { name: '已修复' }).click();
    await sheet.getByTestId('h5-agent-notes').locator('textarea').fill('取出卡纸，更换搓纸轮，已试打印正常。');
    await engineer.screenshot({ path: screenshotPath('h5-agent-resolve') });
    await sheet.getByTestId('h5-agent-submit').click();
    await expect(sheet).toBeHidden();
    await expect(engineer.getByTestId('h5-status')).toHaveText('已解决');
    await expect(engineer.getByTestId('h5-agent-resolve')).toHaveCount(0);
    await expect(engineer.locator('.van-toast')).toBeHidden({ timeout: 10_000 });
    await engineer.screenshot({ path: screenshotPath('h5-agent-ticket'), fullPage: true });

    // It left his open work.
    await engineer.locator('.van-nav-bar__left').click();
    await expect(engineer).toHaveURL(/\/h5\/tasks/);
    await engineer.getByRole('tab', { name: /^我处理的/ }).click();
    await expect(engineer.getByTestId('h5-tasks-mine')).not.toContainText(number);

    // --- 李护士 sees it solved in 我的工单, without the internal note ----------------------------
    await nurse.goto('/h5/tickets');
    const mine = nurse.getByTestId('h5-my-ticket').filter({ hasText: number });
    await expect(mine.getByTestId('h5-status')).toHaveText('已解决');
    await mine.click();
    await expect(nurse.getByTestId('h5-timeline')).toContainText('取出卡纸，更换搓纸轮，已试打印正常。');
    await expect(nurse.getByTestId('h5-timeline')).not.toContainText('搓纸轮磨损');
    await expect(nurse.getByTestId('h5-confirm')).toBeVisible();
  } finally {
    await admin.delete(`/api/v1/routing-rules/${rule.id}/`);
    await admin.dispose();
  }
});
