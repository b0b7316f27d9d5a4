import { expect, test, type APIRequestContext } from '@playwright/test';

import { centre, pick, select } from './bpmn';
import { USERS, pageScreenshot, screenshotPath, webLogin } from './helpers';

/**
 * Processes end to end: the admin draws a process in the BPMN designer (palette, context pad,
 * dragging, the properties panel's RACI and approval settings), validates it (a problem points
 * at its element), publishes it and binds a catalog item; a ticket submitted on that item starts
 * the process, its first step reaches the service desk agent's inbox, the agent completes it and
 * the ticket's process viewer shows where it stands.
 */

const STAMP = Date.now().toString(36);
const PROCESS = { code: `e2e_desk_${STAMP}`, name: `桌面报修流程 ${STAMP}` };
const ITEM = { code: `e2e_wf_item_${STAMP}`, name: `电脑故障报修（流程）${STAMP}` };

interface Api {
  get: (path: string) => Promise<unknown>;
  post: (path: string, data: unknown) => Promise<unknown>;
  multipart: (path: string, fields: Record<string, string>) => Promise<unknown>;
  dispose: () => Promise<void>;
}

async function apiAs(
  playwright: { request: { newContext: (options: { baseURL: string }) => Promise<APIRequestContext> } },
  baseURL: string,
  user: { username: string; password: string },
): Promise<Api> {
  const context = await playwright.request.newContext({ baseURL });
  await context.get('/api/v1/auth/csrf/');
  const token = async () => (await context.storageState()).cookies.find((c) => c.name === 'csrftoken')?.value ?? '';
  const login = await context.post('/api/v1/auth/login/', { data: user, headers: { 'X-CSRFToken': await token() } });
  expect(login.status()).toBe(200);
  const check = async (response: Awaited<ReturnType<APIRequestContext['get']>>, what: string) => {
    expect(response.ok(), `${what}: ${response.status()} ${await response.text()}`).toBe(true);
    return response.json();
  };
  return {
    get: async (path) => check(await context.get(path), `GET ${path}`),
    post: async (path, data) => check(await context.post(path, { data: data as object, headers: { 'X-CSRFToken': await token() } }), `POST ${path}`),
    multipart: async (path, fields) => check(await context.post(path, { multipart: fields, headers: { 'X-CSRFToken': await token() } }), `POST ${path}`),
    dispose: () => context.dispose(),
  };
}

test('an admin draws, validates and publishes a process; its first step reaches the agent, the ticket shows where it is', async ({
  browser,
  playwright,
  baseURL,
}) => {
  test.setTimeout(180_000);
  const admin = await apiAs(playwright, baseURL!, USERS.admin);
  const category = (await admin.post('/api/v1/catalog/categories/', { code: `e2e_wf_${STAMP}`, name: `流程测试服务 ${STAMP}`, icon: 'Monitor' })) as { id: number };
  const item = (await admin.post('/api/v1/catalog/items/', {
    code: ITEM.code,
    name: ITEM.name,
    description: '电脑无法开机、蓝屏、运行缓慢',
    kind: 'request',
    icon: 'Monitor',
    category: category.id,
  })) as { id: number };

  // --- the admin creates the process: a minimal valid one to start from ---------------------------
  const adminContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await adminContext.newPage();
  await webLogin(page, USERS.admin);
  await page.getByTestId('nav-workflow_definitions').click();
  await expect(page).toHaveURL(/\/admin\/workflow$/);
  await page.getByTestId('workflow-create').click();
  await page.getByTestId('workflow-name').fill(PROCESS.name);
  await page.getByTestId('workflow-code').fill(PROCESS.code);
  await page.getByTestId('workflow-create-submit').click();
  await expect(page).toHaveURL(/\/admin\/workflow\/\d+$/);
  const definitionId = Number(page.url().split('/').pop());
  const canvas = page.getByTestId('bpmn-canvas');
  await expect(canvas.locator('.djs-element[data-element-id="Task_1"]')).toBeVisible();
  // The bpmn.io watermark stays (its licence).
  await expect(canvas.locator('a.bjs-powered-by')).toBeVisible();
  // The palette offers only what the engine runs.
  const palette = await canvas.locator('.djs-palette .entry').evaluateAll((entries) => entries.map((entry) => entry.getAttribute('data-action')));
  expect(palette).toEqual(expect.arrayContaining(['create.user-task', 'create.service-task', 'create.exclusive-gateway', 'create.parallel-gateway']));
  expect(palette).not.toContain('create.data-object');
  expect(palette).not.toContain('create.subprocess-expanded');
  // Chinese labels in the diagram's tools.
  await expect(canvas.locator('.djs-palette .entry[data-action="create.user-task"]')).toHaveAttribute('aria-label', '人工任务');

  // --- drawing: make room, drop a user task onto the flow, an annotation from the context pad ----
  const end = await centre(page, 'EndEvent_1');
  await page.mouse.move(end.x, end.y);
  await page.mouse.down();
  await page.mouse.move(end.x + 120, end.y, { steps: 8 });
  await page.mouse.move(end.x + 240, end.y, { steps: 8 });
  await page.mouse.up();
  await expect(page.getByTestId('designer-dirty')).toBeVisible();
  const flow = await centre(page, 'Flow_2');
  await canvas.locator('.djs-palette .entry[data-action="create.user-task"]').click();
  await page.mouse.move(flow.x - 20, flow.y + 40, { steps: 5 });
  await page.mouse.move(flow.x, flow.y, { steps: 5 });
  await page.mouse.click(flow.x, flow.y);
  await page.keyboard.press('Escape'); // leave the label editing that creation opens
  // The new task is selected: name it and give it a readable id in the properties panel.
  const panel = page.getByTestId('bpmn-properties');
  await panel.locator('.bio-properties-panel-group-header', { hasText: '基本信息' }).click();
  const idInput = panel.locator('#bio-properties-panel-id');
  await idInput.fill('Approve_desk');
  await idInput.press('Tab');
  const nameInput = panel.locator('#bio-properties-panel-name');
  await nameInput.fill('组长审批');
  await nameInput.press('Tab');
  await expect(canvas.locator('.djs-element[data-element-id="Approve_desk"]')).toContainText('组长审批');
  // It sits between 受理 and the end: the drop split the flow.
  const flows = await canvas.locator('.djs-connection').evaluateAll((connections) => connections.map((c) => c.getAttribute('data-element-id')));
  expect(flows.length).toBe(3);

  // The context pad: a note beside the approval (text annotation).
  await select(page, 'Approve_desk');
  await canvas.locator('.djs-context-pad .entry[data-action="append.text-annotation"]').click();
  await page.keyboard.type('两名组长任一同意即可');
  const area = (await canvas.boundingBox())!;
  await page.mouse.click(area.x + area.width - 120, area.y + 60); // an empty spot ends the editing
  await expect(canvas.locator('.djs-element[data-element-id^="TextAnnotation_"]')).toContainText('两名组长任一同意即可');
  // The replace menu offers no script task.
  await select(page, 'Approve_desk');
  await canvas.locator('.djs-context-pad .entry[data-action="replace"]').click();
  await expect(page.locator('.djs-popup [data-id="replace-with-service-task"]')).toBeVisible();
  await expect(page.locator('.djs-popup [data-id="replace-with-script-task"]')).toHaveCount(0);
  await expect(page.locator('.djs-popup [data-id="replace-with-inclusive-gateway"]')).toHaveCount(0);
  await page.keyboard.press('Escape');

  // --- validating points at what is missing -----------------------------------------------------------
  await page.getByTestId('designer-validate').click();
  const problems = page.getByTestId('designer-problems');
  await expect(problems).toContainText('组长审批（Approve_desk）');
  await expect(problems).toContainText('负责人');
  await select(page, 'Task_1');
  await page.getByTestId('designer-problem-0').click();
  await expect(canvas.locator('.djs-element.selected[data-element-id="Approve_desk"]')).toBeVisible();

  // --- RACI, approval mode and deadline in the properties panel ----------------------------------
  const raci = panel.getByTestId('raci-settings');
  await expect(raci.getByTestId('raci-missing')).toBeVisible();
  await pick(page, raci.getByTestId('raci-responsible'), '桌面', '桌面运维组');
  await pick(page, raci.getByTestId('raci-responsible'), 'manager', '赵主任');
  await pick(page, raci.getByTestId('raci-informed'), '报修', '报修人');
  await expect(raci.getByTestId('raci-missing')).toHaveCount(0);
  await panel.getByTestId('task-approval').click();
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: '或签（一人同意即可）' }).click();
  const deadline = panel.getByTestId('task-deadline').locator('input');
  await deadline.fill('120');
  await deadline.press('Tab');
  await pageScreenshot(page, 'web-workflow-designer');

  // The document holds our extension elements.
  await page.getByTestId('designer-save').click();
  await expect(page.getByTestId('designer-dirty')).toHaveCount(0);
  const saved = (await admin.get(`/api/v1/workflow/definitions/${definitionId}/`)) as { draft_xml: string };
  expect(saved.draft_xml).toContain('<hitsm:raci responsible="group:desktop user:manager_zhao" informed="requester" />');
  expect(saved.draft_xml).toContain('<hitsm:approval mode="any" />');
  expect(saved.draft_xml).toContain('<hitsm:deadline minutes="120" />');
  expect(saved.draft_xml).toContain('isExecutable="true"');

  await page.getByTestId('designer-validate').click();
  await expect(page.getByTestId('designer-valid')).toBeVisible();

  // --- bind the catalog item, publish -----------------------------------------------------------------
  await pick(page, page.getByTestId('designer-items'), STAMP, ITEM.name);
  await page.getByTestId('designer-publish').click();
  await page.getByTestId('publish-note').fill('首个版本：坐席受理后组长审批');
  await page.getByTestId('publish-submit').click();
  await expect(page.getByTestId('designer-version')).toHaveText('v1');
  await page.getByTestId('designer-versions').click();
  await expect(page.getByTestId('versions-table')).toContainText('首个版本');
  await page.keyboard.press('Escape');
  await page.getByTestId('nav-workflow_definitions').click();
  const row = page.getByTestId('workflow-table').locator('tr', { hasText: PROCESS.name });
  await expect(row).toContainText(ITEM.name);
  await expect(page.getByTestId(`workflow-version-${PROCESS.code}`)).toHaveText('v1');
  await adminContext.close();

  // --- a nurse submits on the item: the process starts ------------------------------------------------
  const nurse = await apiAs(playwright, baseURL!, USERS.nurse);
  const ticket = (await nurse.multipart('/api/v1/tickets/', {
    catalog_item: String(item.id),
    channel: 'web',
    form_data: '{}',
    description: '护士站电脑开机蓝屏',
  })) as { id: number; number: string };
  await nurse.dispose();

  // --- the agent's inbox: 受理 (R = service desk agents) ---------------------------------------------
  const agentContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const agentPage = await agentContext.newPage();
  await webLogin(agentPage, USERS.agent);
  await agentPage.getByTestId('nav-workflow_tasks').click();
  await expect(agentPage).toHaveURL(/\/tasks$/);
  const table = agentPage.getByTestId('tasks-table');
  const taskRow = table.locator('tr', { hasText: PROCESS.name });
  await expect(taskRow).toContainText('受理');
  await expect(taskRow.locator('a', { hasText: `#${ticket.id}` })).toBeVisible();
  await agentPage.screenshot({ path: screenshotPath('web-workflow-inbox') });
  await taskRow.getByRole('button', { name: '处理' }).click();
  const dialog = agentPage.getByTestId('task-act-dialog');
  await expect(dialog.getByTestId('task-act-name')).toHaveText('受理');
  await dialog.getByTestId('task-comment').fill('已受理，转组长审批');
  await dialog.getByTestId('task-submit').click();
  await expect(dialog).toBeHidden();
  await expect(table.locator('tr', { hasText: PROCESS.name })).toHaveCount(0);
  await agentPage.getByTestId('tasks-tab-done').click();
  await expect(table.locator('tr', { hasText: PROCESS.name })).toContainText('已受理，转组长审批');

  // --- the ticket's process: 受理 done, 组长审批 current ----------------------------------------------
  await agentPage.goto(`/tickets/${ticket.id}`);
  const processes = agentPage.getByTestId('ticket-processes');
  await expect(processes).toContainText(PROCESS.name);
  await expect(processes.locator('.djs-element.wf-done[data-element-id="Task_1"]')).toBeVisible();
  await expect(processes.locator('.djs-element.wf-current[data-element-id="Approve_desk"]')).toBeVisible();
  await expect(processes.locator('.wf-badge')).toHaveText('当前');
  const history = processes.locator('[data-testid^="process-history-"]');
  await expect(history).toContainText('陈工');
  await expect(history).toContainText('已受理，转组长审批');
  await expect(history).toContainText('组长审批');
  await processes.scrollIntoViewIfNeeded();
  await pageScreenshot(agentPage, 'web-workflow-ticket');
  await agentContext.close();

  // The approval waits with the desktop group and the IT manager.
  const manager = await apiAs(playwright, baseURL!, USERS.manager);
  const inbox = (await manager.get('/api/v1/workflow/tasks/?status=open')) as { results: { name: string; subject_id: number; approval_mode: string }[] };
  expect(inbox.results.find((task) => task.subject_id === ticket.id)).toMatchObject({ name: '组长审批', approval_mode: 'any' });
  await manager.dispose();
  await admin.dispose();
});

/** A process drawn elsewhere (imported): a reminder timer, a service task and a deciding gateway, none configured yet. */
function unconfiguredProcess(processId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:hitsm="http://hitsm.org/schema/bpmn" id="Definitions_1" targetNamespace="http://hitsm.org/bpmn">
  <bpmn:process id="${processId}" name="分级处理" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Triage" name="分诊">
      <bpmn:extensionElements><hitsm:raci responsible="role:agent" /></bpmn:extensionElements>
      <bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:boundaryEvent id="Remind" name="15分钟未分诊" cancelActivity="false" attachedToRef="Triage">
      <bpmn:outgoing>Flow_t1</bpmn:outgoing>
      <bpmn:timerEventDefinition id="TimerDef_1" />
    </bpmn:boundaryEvent>
    <bpmn:serviceTask id="Note" name="记录提醒"><bpmn:incoming>Flow_t1</bpmn:incoming><bpmn:outgoing>Flow_t2</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:endEvent id="End_2"><bpmn:incoming>Flow_t2</bpmn:incoming></bpmn:endEvent>
    <bpmn:exclusiveGateway id="Level" name="级别"><bpmn:incoming>Flow_2</bpmn:incoming><bpmn:outgoing>Flow_high</bpmn:outgoing><bpmn:outgoing>Flow_else</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:userTask id="Fix" name="工程师处理">
      <bpmn:extensionElements><hitsm:raci responsible="role:engineer" /></bpmn:extensionElements>
      <bpmn:incoming>Flow_high</bpmn:incoming><bpmn:outgoing>Flow_3</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="End_1"><bpmn:incoming>Flow_3</bpmn:incoming><bpmn:incoming>Flow_else</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Triage" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Triage" targetRef="Level" />
    <bpmn:sequenceFlow id="Flow_high" name="高" sourceRef="Level" targetRef="Fix" />
    <bpmn:sequenceFlow id="Flow_else" name="其他" sourceRef="Level" targetRef="End_1" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Fix" targetRef="End_1" />
    <bpmn:sequenceFlow id="Flow_t1" sourceRef="Remind" targetRef="Note" />
    <bpmn:sequenceFlow id="Flow_t2" sourceRef="Note" targetRef="End_2" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="${processId}">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1"><dc:Bounds x="152" y="182" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Triage_di" bpmnElement="Triage"><dc:Bounds x="240" y="160" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Remind_di" bpmnElement="Remind"><dc:Bounds x="272" y="222" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Note_di" bpmnElement="Note"><dc:Bounds x="340" y="300" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="End_2_di" bpmnElement="End_2"><dc:Bounds x="492" y="322" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Level_di" bpmnElement="Level" isMarkerVisible="true"><dc:Bounds x="395" y="175" width="50" height="50" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Fix_di" bpmnElement="Fix"><dc:Bounds x="500" y="60" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="End_1_di" bpmnElement="End_1"><dc:Bounds x="652" y="182" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_1_di" bpmnElement="Flow_1"><di:waypoint x="188" y="200" /><di:waypoint x="240" y="200" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_2_di" bpmnElement="Flow_2"><di:waypoint x="340" y="200" /><di:waypoint x="395" y="200" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_high_di" bpmnElement="Flow_high"><di:waypoint x="420" y="175" /><di:waypoint x="420" y="100" /><di:waypoint x="500" y="100" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_else_di" bpmnElement="Flow_else"><di:waypoint x="445" y="200" /><di:waypoint x="652" y="200" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_3_di" bpmnElement="Flow_3"><di:waypoint x="600" y="100" /><di:waypoint x="670" y="100" /><di:waypoint x="670" y="182" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_t1_di" bpmnElement="Flow_t1"><di:waypoint x="290" y="258" /><di:waypoint x="290" y="340" /><di:waypoint x="340" y="340" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_t2_di" bpmnElement="Flow_t2"><di:waypoint x="440" y="340" /><di:waypoint x="492" y="340" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}

test('the properties panel writes gateway conditions, default flows, timers and service actions the engine accepts', async ({ page, playwright, baseURL }) => {
  const admin = await apiAs(playwright, baseURL!, USERS.admin);
  const code = `e2e_levels_${STAMP}`;
  const definition = (await admin.post('/api/v1/workflow/definitions/', { code, name: `分级处理 ${STAMP}`, draft_xml: unconfiguredProcess(`Process_${code}`) })) as { id: number };
  await page.setViewportSize({ width: 1440, height: 900 });
  await webLogin(page, USERS.admin);
  await page.goto(`/admin/workflow/${definition.id}`);
  const canvas = page.getByTestId('bpmn-canvas');
  const panel = page.getByTestId('bpmn-properties');
  await expect(canvas.locator('.djs-element[data-element-id="Level"]')).toBeVisible();

  // What the engine refuses, each with its element.
  await page.getByTestId('designer-validate').click();
  const problems = page.getByTestId('designer-problems');
  await expect(problems).toContainText('级别（Level）');
  await expect(problems).toContainText('默认流向');
  await expect(problems).toContainText('记录提醒（Note）');

  // The gateway's "other" flow is its default; the "high" flow gets a condition from the builder.
  await select(page, 'Flow_else');
  await panel.getByTestId('condition-default').click();
  await expect(panel.getByTestId('condition-field-0')).toHaveCount(0);
  await select(page, 'Flow_high');
  const condition = panel.getByTestId('condition-settings');
  await pick(page, condition.getByTestId('condition-field-0'), 'form.level', 'form.level');
  await condition.getByTestId('condition-value-0').fill('high');
  await condition.getByTestId('condition-value-0').press('Tab');
  await condition.getByTestId('condition-add').click();
  await pick(page, condition.getByTestId('condition-field-1'), '优先级', 'ticket.priority');
  await condition.getByTestId('condition-op-1').click();
  await page.locator(`[id="${await condition.getByTestId('condition-op-1').locator('input').getAttribute('aria-controls')}"] .el-select-dropdown__item`, { hasText: '小于等于' }).click();
  await condition.getByTestId('condition-value-1').fill('2');
  await condition.getByTestId('condition-value-1').press('Tab');
  await condition.getByTestId('condition-join').getByText('任一条件').click();
  await expect(condition.getByTestId('condition-expression')).toHaveValue('form.level == "high" or ticket.priority <= 2');

  // The reminder waits 15 minutes, then the service task writes a note on the ticket.
  await select(page, 'Remind');
  const timer = panel.getByTestId('timer-settings');
  await timer.getByTestId('timer-amount').locator('input').fill('15');
  await timer.getByTestId('timer-amount').locator('input').press('Tab');
  await expect(timer.getByTestId('timer-raw')).toContainText('PT15M');
  await select(page, 'Note');
  const action = panel.getByTestId('action-settings');
  await pick(page, action.getByTestId('action-name'), '备注', '工单内部备注');
  await action.getByTestId('action-param-text').fill('分诊已超过15分钟');
  await action.getByTestId('action-param-text').press('Tab');
  await pageScreenshot(page, 'web-workflow-conditions');

  await page.getByTestId('designer-validate').click();
  await expect(page.getByTestId('designer-valid')).toBeVisible();
  const saved = (await admin.get(`/api/v1/workflow/definitions/${definition.id}/`)) as { draft_xml: string };
  expect(saved.draft_xml).toContain('default="Flow_else"');
  expect(saved.draft_xml).toMatch(/<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">form\.level == (&#34;|")high(&#34;|") or ticket\.priority &lt;= 2<\/bpmn:conditionExpression>/);
  expect(saved.draft_xml).toMatch(/<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT15M<\/bpmn:timeDuration>/);
  expect(saved.draft_xml).toContain('<hitsm:param name="text" value="分诊已超过15分钟" />');

  // Publishing keeps the settings with the version.
  await page.getByTestId('designer-publish').click();
  await page.getByTestId('publish-submit').click();
  await expect(page.getByTestId('designer-version')).toHaveText('v1');
  const versions = (await admin.get(`/api/v1/workflow/definitions/${definition.id}/versions/`)) as { nodes: Record<string, { action: string; params: Record<string, string> }> }[];
  expect(versions[0]?.nodes.Note).toMatchObject({ action: 'ticket_note', params: { text: '分诊已超过15分钟' } });
  await admin.dispose();
});
