import { expect, test, type Locator } from '@playwright/test';

import { USERS, pageApi, screenshotPath, webLogin, withoutTransitions } from './helpers';

test.use({ viewport: { width: 1600, height: 900 }, actionTimeout: 15_000 });

async function count(tile: Locator): Promise<number> {
  await expect(tile).toHaveText(/^\d+$/);
  return Number(await tile.innerText());
}

test('the desk board counts a nurse’s new ticket live, and the wall screen comes back after a network loss', async ({ browser }) => {
  // The desk agent: signing in lands on the desk board.
  const agentContext = await browser.newContext();
  await withoutTransitions(agentContext);
  const agent = await agentContext.newPage();
  await webLogin(agent, USERS.agent);
  await expect(agent).toHaveURL(/\/desk\/board$/);
  await expect(agent.getByTestId('desk-board')).toBeVisible();
  const intake = agent.getByTestId('board-tile-intake').getByTestId('board-tile-value');
  const newToday = agent.getByTestId('board-tile-new_today').getByTestId('board-tile-value');
  const before = { intake: await count(intake), today: await count(newToday) };

  // A nurse reports a problem from her own browser.
  const nurseContext = await browser.newContext();
  const nurse = await nurseContext.newPage();
  await webLogin(nurse, USERS.nurse);
  const stamp = Date.now().toString(36);
  await pageApi(nurse).post('/api/v1/tickets/', { kind: 'incident', title: `看板测试${stamp} 护士站电脑蓝屏`, description: '' });

  // Within two seconds, without a reload.
  await expect(intake).toHaveText(String(before.intake + 1), { timeout: 2_000 });
  await expect(newToday).toHaveText(String(before.today + 1), { timeout: 2_000 });
  await expect(agent.getByTestId('board-list-unaccepted')).toBeVisible();
  await agent.screenshot({ path: screenshotPath('web-desk-board'), fullPage: true });

  // The wall screen: no app chrome, pages turning (every 3 s here), a clock, the connection.
  await agent.goto('/wall?seconds=3');
  const wall = agent.getByTestId('wall');
  await expect(wall).toBeVisible();
  await expect(agent.getByTestId('side-menu')).toHaveCount(0);
  await expect(agent.getByTestId('wall-connection')).toHaveAttribute('data-status', 'open');
  await expect(agent.getByTestId('wall-clock')).toContainText(/\d{2}:\d{2}:\d{2}/);
  await expect(wall).toHaveAttribute('data-page', 'queues');
  await agent.screenshot({ path: screenshotPath('web-wallboard') });
  await expect(wall).toHaveAttribute('data-page', 'kpis', { timeout: 8_000 });
  await expect(agent.getByTestId('wall-page-kpis')).toBeVisible();

  // Hold the queues page for the rest of the story.
  await agent.getByTestId('wall-pause').click();
  await agent.getByTestId('wall-tab-queues').click();
  await expect(wall).toHaveAttribute('data-page', 'queues');
  const wallIntake = agent.getByTestId('board-tile-intake').getByTestId('board-tile-value');
  await expect(wallIntake).toHaveText(String(before.intake + 1));

  // The network goes away; meanwhile another ticket arrives, which the wall cannot hear about.
  await agentContext.setOffline(true);
  await expect(agent.getByTestId('wall-connection')).toHaveAttribute('data-status', 'closed');
  await pageApi(nurse).post('/api/v1/tickets/', { kind: 'incident', title: `看板测试${stamp} 叫号屏黑屏`, description: '' });
  await agent.waitForTimeout(1_000);
  await expect(wallIntake).toHaveText(String(before.intake + 1));

  // Back online: it reconnects at once and re-reads, so the numbers are current again.
  await agentContext.setOffline(false);
  await expect(agent.getByTestId('wall-connection')).toHaveAttribute('data-status', 'open', { timeout: 10_000 });
  await expect(wallIntake).toHaveText(String(before.intake + 2), { timeout: 5_000 });
  await expect(agent.getByTestId('wall-stale')).toHaveCount(0);

  // A server restart is web-wall-restart.spec.ts (it runs a server of its own to stop and start);
  // the back-off itself is unit-tested in packages/api/tests/events.test.ts.
  await nurseContext.close();
  await agentContext.close();
});

test('each role finds its own part on the home page', async ({ browser }) => {
  const open = async (user: { username: string; password: string }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await webLogin(page, user);
    return { context, page };
  };

  const manager = await open(USERS.manager);
  await expect(manager.page.getByTestId('home-manager')).toBeVisible();
  await expect(manager.page.getByTestId('home-manager-breaches')).toContainText(/\d/);
  await expect(manager.page.getByTestId('home-manager-follow-ups')).toHaveAttribute('href', '/surveys/follow-ups');
  await expect(manager.page.getByTestId('home-engineer')).toHaveCount(0);
  await manager.page.screenshot({ path: screenshotPath('web-home-manager'), fullPage: true });
  await manager.context.close();

  const engineer = await open(USERS.engineer);
  await expect(engineer.page.getByTestId('home-engineer')).toBeVisible();
  await expect(engineer.page.getByTestId('home-engineer-open')).toContainText(/\d/);
  await expect(engineer.page.getByTestId('home-manager')).toHaveCount(0);
  await engineer.context.close();

  const nurse = await open(USERS.nurse);
  await expect(nurse.page.getByTestId('home-requester')).toBeVisible();
  await expect(nurse.page.getByTestId('home-requester-my_open')).toContainText(/\d/);
  await expect(nurse.page.getByTestId('home-engineer')).toHaveCount(0);
  await nurse.context.close();
});
