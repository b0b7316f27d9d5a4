import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';

import {
  centre,
  choose,
  clearSelection,
  contextPad,
  diagramElement,
  diagramIds,
  drag,
  nameSelected,
  paletteCreate,
  pick,
  select,
  selectedId,
  stableBox,
} from './bpmn';
import { USERS, apiSession, pageApi, screenshotPath, submitWebLogin, withoutTransitions, type ApiSession } from './helpers';

/**
 * Issue 4's acceptance story in one process: the admin draws it in the designer by mouse — a pool
 * of two lanes (服务台 → agents, 信息管理处 → the IT manager), 受理 in the first with its RACI set
 * in the panel, a gateway deciding on the bound item's form field (申领数量 ≥ 3 needs approval,
 * anything else ends), the approval in the second lane with a reminder timer on it — validates and
 * publishes it. A nurse asks for 5 scanners: the agent handles the ticket in the inbox, the gateway
 * sends it to the manager, who approves; the ticket's process view shows where it stands after each
 * step, the branch not taken never marked done.
 */

const FORM = {
  fields: [
    {
      key: 'device',
      type: 'select',
      label: '设备类型',
      required: true,
      options: [
        { value: 'scanner', label: '扫码枪' },
        { value: 'printer', label: '标签打印机' },
      ],
    },
    { key: 'quantity', type: 'number', label: '申领数量', required: true, min: 1, max: 50 },
  ],
};

/** The names of one run (a stamp keeps repeated runs apart). */
function names(stamp: string) {
  return {
    stamp,
    process: { code: `e2e_lanes_${stamp}`, name: `设备申领审批 ${stamp}` },
    item: { code: `e2e_lanes_item_${stamp}`, name: `办公设备申领 ${stamp}` },
  };
}
type Names = ReturnType<typeof names>;

/** The catalog item (with its published form) the process is bound to. */
async function prepareItem(admin: ApiSession, { stamp, item: { code, name } }: Names): Promise<number> {
  const form = (await admin.post('/api/v1/catalog/forms/', { code: `e2e_lanes_form_${stamp}`, name: `设备申领表 ${stamp}`, draft_schema: FORM })) as { id: number };
  await admin.post(`/api/v1/catalog/forms/${form.id}/publish/`, { note: 'e2e' });
  const category = (await admin.post('/api/v1/catalog/categories/', { code: `e2e_lanes_${stamp}`, name: `设备申领 ${stamp}`, icon: 'Monitor' })) as { id: number };
  const item = (await admin.post('/api/v1/catalog/items/', {
    code,
    name,
    description: '扫码枪、标签打印机等办公设备的申领',
    kind: 'request',
    icon: 'Monitor',
    category: category.id,
    form: form.id,
  })) as { id: number };
  return item.id;
}

/** A browser signed in as the user, on the page `next` (the login page sends them there). */
async function signedIn(browser: Browser, user: { username: string; password: string }, next: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await withoutTransitions(context);
  const page = await context.newPage();
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  expect((await submitWebLogin(page, user.username, user.password)).status).toBe(200);
  await expect(page).toHaveURL(new RegExp(`${next}$`));
  return page;
}

/** The one element created by the last action (it is selected), found by its id's prefix. */
async function created(page: Page, prefix: string, before: readonly string[] = []): Promise<string> {
  const id = await selectedId(page);
  expect(id.startsWith(prefix) && !before.includes(id), `a new ${prefix} element, got ${id}`).toBe(true);
  return id;
}

/**
 * Act on the ticket's open task in the inbox (`/tasks`, open since signing in) as its user, then
 * open the ticket from the task, now among the done ones, and return its process view (markers shown).
 */
async function actInInbox(page: Page, process: string, ticketId: number, step: string, act: (dialog: Locator) => Promise<void>): Promise<Locator> {
  await page.getByTestId('tasks-refresh').click();
  const table = page.getByTestId('tasks-table');
  const row = table.locator('tr', { hasText: process }).filter({ has: page.locator('a', { hasText: `#${ticketId}` }) });
  await expect(row).toContainText(step);
  await row.getByRole('button', { name: '处理' }).click();
  const dialog = page.getByTestId('task-act-dialog');
  await expect(dialog.getByTestId('task-act-name')).toHaveText(step);
  await act(dialog);
  await dialog.getByTestId('task-submit').click();
  await expect(dialog).toBeHidden();
  await expect(row).toHaveCount(0);
  await page.getByTestId('tasks-tab-done').click();
  await expect(row).toContainText(step);
  await row.locator('a', { hasText: `#${ticketId}` }).click();
  await expect(page).toHaveURL(new RegExp(`/tickets/${ticketId}$`));
  const processes = page.getByTestId('ticket-processes');
  await expect(processes).toContainText(process);
  await expect(processes.locator('.djs-element.wf-done[data-element-id="StartEvent_1"]')).toBeVisible();
  return processes;
}

/** The process view's markers: element id → done, current or future (unmarked elements left out). */
async function markers(view: Locator): Promise<Record<string, string>> {
  return view.locator('.djs-element').evaluateAll((nodes) =>
    Object.fromEntries(
      nodes.flatMap((node) => {
        const marker = ['done', 'current', 'future'].find((name) => node.classList.contains(`wf-${name}`));
        return marker ? [[node.getAttribute('data-element-id') ?? '', marker]] : [];
      }),
    ),
  );
}

function expected(trail: { done: string[]; current?: string[]; future?: string[] }): Record<string, string> {
  return Object.fromEntries(Object.entries(trail).flatMap(([marker, ids]) => ids.map((id) => [id, marker])));
}

test('an admin draws two lanes, an approval, a gateway on a form field and a timer; a ticket follows the drawn path and the viewer shows it', async ({
  browser,
  playwright,
}) => {
  const run = names(Date.now().toString(36));
  const page = await signedIn(browser, USERS.admin, '/admin/workflow');
  const admin = pageApi(page);
  const itemId = await prepareItem(admin, run);
  // The others sign in meanwhile; they act once the process is published.
  const others = Promise.all([signedIn(browser, USERS.agent, '/tasks'), signedIn(browser, USERS.manager, '/tasks'), apiSession(playwright, USERS.nurse)]);
  others.catch(() => undefined); // awaited below; a failure surfaces there

  // --- the admin creates the process and opens it in the designer --------------------------------
  await page.getByTestId('workflow-create').click();
  await page.getByTestId('workflow-name').fill(run.process.name);
  await page.getByTestId('workflow-code').fill(run.process.code);
  await page.getByTestId('workflow-create-submit').click();
  await expect(page).toHaveURL(/\/admin\/workflow\/\d+$/);
  const definitionId = Number(page.url().split('/').pop());
  const panel = page.getByTestId('bpmn-properties');
  await expect(diagramElement(page, 'Task_1')).toBeVisible();
  // Bound first: the condition builder then offers the item's form fields.
  await pick(page, page.getByTestId('designer-items'), run.stamp, run.item.name);

  // --- a pool around the template (开始 → 受理 → 结束), divided into two lanes ------------------------
  const task = await centre(page, 'Task_1');
  await paletteCreate(page, 'create.participant-expanded', { x: task.x, y: task.y + 250 }); // it snaps around the content
  await page.keyboard.press('Escape'); // leave the label editing that creation opens
  const pool = await created(page, 'Participant_');
  await contextPad(page, pool, 'lane-divide-two');
  await expect.poll(() => diagramIds(page, 'Lane_')).toHaveLength(2);
  const boxes = await Promise.all((await diagramIds(page, 'Lane_')).map(async (id) => ({ id, ...(await stableBox(page, id)) })));
  const [upper, lower] = boxes.sort((a, b) => a.y - b.y) as [(typeof boxes)[0], (typeof boxes)[0]];
  // Each lane: a name, and the role its tasks fall to when they name no Responsible.
  for (const [lane, name, role] of [
    [upper, '服务台', '服务台坐席'],
    [lower, '信息管理处', 'IT 主管'],
  ] as const) {
    await select(page, lane.id, { x: lane.x + lane.width - 40, y: lane.y + lane.height / 2 }); // its empty right end
    await nameSelected(page, name);
    await choose(page, panel.getByTestId('lane-role'), role);
  }

  // --- 受理 (lane 1): RACI in the panel -------------------------------------------------------------
  await select(page, 'Task_1');
  const raci = panel.getByTestId('raci-settings');
  await pick(page, raci.getByTestId('raci-supportive'), '桌面', '桌面运维组');
  await pick(page, raci.getByTestId('raci-informed'), '报修', '报修人');

  // --- the gateway, dropped onto the flow to the end (moved right to make room) ---------------------
  const end = await centre(page, 'EndEvent_1');
  await drag(page, end, { x: end.x + 110, y: end.y });
  const flowsBefore = await diagramIds(page, 'Flow_');
  await paletteCreate(page, 'create.exclusive-gateway', await centre(page, 'Flow_2'));
  await page.keyboard.press('Escape');
  const gateway = await created(page, 'Gateway_');
  await nameSelected(page, '申领数量');
  const [otherwise] = (await diagramIds(page, 'Flow_')).filter((id) => !flowsBefore.includes(id));
  expect(otherwise, 'the drop split the flow: gateway → 结束').toBeTruthy();

  // --- the approval in lane 2, connected from the gateway, with its end ------------------------------
  const fork = await centre(page, gateway);
  const lane2 = await stableBox(page, lower.id);
  await paletteCreate(page, 'create.user-task', { x: fork.x + 130, y: lane2.y + lane2.height / 2 });
  await page.keyboard.press('Escape');
  const approval = await created(page, 'Activity_');
  await nameSelected(page, '信息管理处审批');
  await expect(raci.getByTestId('raci-missing')).toContainText('IT 主管'); // R comes from the lane
  await choose(page, panel.getByTestId('task-approval'), '单人审批');
  await contextPad(page, gateway, 'connect');
  const target = await centre(page, approval);
  await page.mouse.move(target.x - 10, target.y, { steps: 4 });
  await page.mouse.click(target.x, target.y);
  const approve = await created(page, 'Flow_', flowsBefore);
  const flowsToEnd = await diagramIds(page, 'Flow_');
  await contextPad(page, approval, 'append.end-event');
  const approvedEnd = await created(page, 'Event_');
  const [approvedFlow] = (await diagramIds(page, 'Flow_')).filter((id) => !flowsToEnd.includes(id));
  expect(approvedFlow, 'the flow to the new end').toBeTruthy();

  // --- a reminder: a timer dropped on the approval's border, made non-interrupting ---------------------
  const box = await stableBox(page, approval);
  await paletteCreate(page, 'create.intermediate-event', { x: box.x + box.width / 2 + 20, y: box.y + box.height - 7.5 });
  await page.keyboard.press('Escape');
  const reminder = await created(page, 'Event_');
  await contextPad(page, reminder, 'replace');
  await page.locator('.djs-popup [data-id="replace-with-non-interrupting-timer-boundary"]').click();
  await select(page, reminder);
  const timer = panel.getByTestId('timer-settings');
  await choose(page, timer.getByTestId('timer-unit'), '小时');
  await timer.getByTestId('timer-amount').locator('input').fill('4');
  await timer.getByTestId('timer-amount').locator('input').press('Tab');
  await expect(timer.getByTestId('timer-raw')).toContainText('PT4H');
  await contextPad(page, reminder, 'append.end-event');
  const remindedEnd = await created(page, 'Event_');

  // --- the gateway's decision: 申领数量 ≥ 3 to the approval, otherwise straight to the end -----------
  await select(page, otherwise!);
  await panel.getByTestId('condition-default').click();
  await select(page, approve);
  const condition = panel.getByTestId('condition-settings');
  await pick(page, condition.getByTestId('condition-field-0'), '申领', 'form.quantity');
  await choose(page, condition.getByTestId('condition-op-0'), '大于等于');
  await condition.getByTestId('condition-value-0').fill('3');
  await condition.getByTestId('condition-value-0').press('Tab');
  await expect(condition.getByTestId('condition-expression')).toHaveValue('form.quantity >= 3');
  await clearSelection(page);
  await page.getByRole('button', { name: '适应画布' }).click(); // the whole drawing, lanes' names included
  await page.screenshot({ path: screenshotPath('web-workflow-lanes-designer') });

  // --- validate (no problems), check the document, publish --------------------------------------------
  await page.getByTestId('designer-validate').click();
  await expect(page.getByTestId('designer-valid')).toBeVisible();
  await expect(page.getByTestId('designer-problems')).toHaveCount(0);
  const saved = (await admin.get(`/api/v1/workflow/definitions/${definitionId}/`)) as { draft_xml: string; catalog_items: number[] };
  expect(saved.catalog_items).toEqual([itemId]);
  const xml = saved.draft_xml;
  expect(xml).toMatch(/<bpmn:lane id="Lane_\w+" name="服务台">\s*<bpmn:extensionElements>\s*<hitsm:role code="agent" \/>[\s\S]*?<bpmn:flowNodeRef>Task_1</);
  expect(xml).toMatch(new RegExp(`<bpmn:lane id="Lane_\\w+" name="信息管理处">\\s*<bpmn:extensionElements>\\s*<hitsm:role code="manager" />[\\s\\S]*?<bpmn:flowNodeRef>${approval}<`));
  expect(xml).toContain('<hitsm:raci responsible="role:agent" supportive="group:desktop" informed="requester" />');
  expect(xml).toContain('<hitsm:approval mode="single" />');
  expect(xml).toContain(`<bpmn:exclusiveGateway id="${gateway}" name="申领数量" default="${otherwise}">`);
  expect(xml).toContain('<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">form.quantity &gt;= 3</bpmn:conditionExpression>');
  expect(xml).toContain(`<bpmn:boundaryEvent id="${reminder}" cancelActivity="false" attachedToRef="${approval}">`);
  expect(xml).toContain('<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT4H</bpmn:timeDuration>');
  await page.getByTestId('designer-publish').click();
  await page.getByTestId('publish-submit').click();
  await expect(page.getByTestId('designer-version')).toHaveText('v1');

  const [agent, manager, nurse] = await others;
  // --- a nurse asks for 5 scanners: the process starts -------------------------------------------------
  const ticket = (await nurse.post('/api/v1/tickets/', {
    catalog_item: itemId,
    channel: 'web',
    form_data: { device: 'scanner', quantity: 5 },
    description: '门诊新增 5 个挂号窗口，需要扫码枪',
  })) as { id: number };

  // --- 受理 by the agent, in the inbox; the process view: done up to the approval ----------------------
  let view = await actInInbox(agent, run.process.name, ticket.id, '受理', (dialog) => dialog.getByTestId('task-comment').fill('已核实，数量较多，转信息管理处审批'));
  // Where it stands: the approval, its reminder timer waiting; 结束 (申领数量 < 3) and its flow are not marked at all.
  await expect
    .poll(() => markers(view))
    .toEqual(
      expected({
        done: ['StartEvent_1', 'Flow_1', 'Task_1', 'Flow_2', gateway, approve],
        current: [approval, reminder],
        future: [approvedEnd, remindedEnd],
      }),
    );
  await expect(view.locator('.wf-badge')).toHaveCount(2);
  // What may still come is drawn dashed, the gaps visible even on an end event's thick line.
  const stroke = await view
    .locator(`.djs-element.wf-future[data-element-id="${approvedEnd}"] .djs-visual > :first-child`)
    .evaluate((shape) => ({ dashes: getComputedStyle(shape).strokeDasharray, caps: getComputedStyle(shape).strokeLinecap }));
  expect(stroke).toEqual({ dashes: '5px, 3px', caps: 'butt' });
  await view.screenshot({ path: screenshotPath('web-workflow-lanes-ticket') });

  // --- the IT manager (lane 2's role) approves: the process ends after the approval --------------------
  view = await actInInbox(manager, run.process.name, ticket.id, '信息管理处审批', async (dialog) => {
    await dialog.getByTestId('task-approve').click();
    await dialog.getByTestId('task-comment').fill('同意申领');
  });
  await expect(view.locator('[data-testid^="process-status-"]')).toHaveText('已完成');
  // The reminder never fired and 结束 was never reached: neither is marked done.
  await expect
    .poll(() => markers(view))
    .toEqual(expected({ done: ['StartEvent_1', 'Flow_1', 'Task_1', 'Flow_2', gateway, approve, approval, approvedFlow!, approvedEnd] }));
  await expect(view.locator('.wf-badge')).toHaveCount(0);
  const history = view.locator('[data-testid^="process-history-"]');
  await expect(history).toContainText('陈工');
  await expect(history).toContainText('已核实，数量较多，转信息管理处审批');
  await expect(history).toContainText('赵主任');
  await expect(history).toContainText('同意申领');
  await Promise.all([nurse.dispose(), ...[page, agent, manager].map((user) => user.context().close())]);
});
