import { BpmnModdle } from 'bpmn-moddle';
import { describe, expect, it } from 'vitest';

import zhCN from '@/components/workflow/bpmn-zh-CN.json';
import {
  conditionToExpression,
  durationToIso,
  expressionToCondition,
  formatRefs,
  isValidRef,
  isoToDuration,
  literal,
  minimalProcessXml,
  parseRefs,
  problemElementId,
  processIdFromCode,
  refParts,
  type ConditionSpec,
} from '@/components/workflow/bpmn-model';
import hitsm from '@/components/workflow/hitsm-moddle.json';
import { KEPT_GROUPS, sectionsFor } from '@/components/workflow/modeler/sections';
import { CONTEXT_PAD_KEPT, HitsmContextPad, HitsmPalette, HitsmReplaceMenu, PALETTE_KEPT } from '@/components/workflow/modeler/restrictions';
import { bpmnTranslator } from '@/components/workflow/modeler/translate';
import { trailMarkers } from '@/components/workflow/trail';

describe('RACI references', () => {
  it('parse space-separated, without repeats, and format back', () => {
    expect(parseRefs('  role:engineer  group:desktop role:engineer\nrequester ')).toEqual(['role:engineer', 'group:desktop', 'requester']);
    expect(parseRefs(undefined)).toEqual([]);
    expect(formatRefs(['user:zhang', ' field:approver ', 'user:zhang', ''])).toBe('user:zhang field:approver');
  });

  it('know the kinds the engine resolves', () => {
    expect(refParts('role:agent')).toEqual({ kind: 'role', value: 'agent' });
    expect(refParts('dept_head')).toEqual({ kind: 'subject', value: 'dept_head' });
    expect(refParts('team:x').kind).toBeNull();
    expect(['role:agent', 'group:desktop', 'user:zhang', 'field:approver', 'requester', 'assignee'].every(isValidRef)).toBe(true);
    expect(['role:', 'nobody', 'team:x', 'user:a b'].some(isValidRef)).toBe(false);
  });
});

describe('timer durations', () => {
  it('write ISO durations the engine accepts', () => {
    expect(durationToIso(15, 'minutes')).toBe('PT15M');
    expect(durationToIso(2, 'hours')).toBe('PT2H');
    expect(durationToIso(1, 'days')).toBe('P1D');
    expect(durationToIso(0, 'minutes')).toBe('PT1M');
  });

  it('read them back in the largest whole unit', () => {
    expect(isoToDuration('PT15M')).toEqual({ amount: 15, unit: 'minutes' });
    expect(isoToDuration('PT120M')).toEqual({ amount: 2, unit: 'hours' });
    expect(isoToDuration('P1DT12H')).toEqual({ amount: 36, unit: 'hours' });
    expect(isoToDuration('"P2D"')).toEqual({ amount: 2, unit: 'days' });
    expect(isoToDuration('PT1H30M')).toEqual({ amount: 90, unit: 'minutes' });
    for (const bad of ['', 'P', 'PT', 'PT30S', 'R3/PT1H', '2026-01-01T00:00:00']) expect(isoToDuration(bad)).toBeNull();
  });
});

describe('condition builder', () => {
  it('turns typed values into literals of the safe subset', () => {
    expect(literal('2')).toBe('2');
    expect(literal('-1.5')).toBe('-1.5');
    expect(literal('true')).toBe('True');
    expect(literal('FALSE')).toBe('False');
    expect(literal('high')).toBe('"high"');
    expect(literal('"301"')).toBe('"301"');
    expect(literal('say "hi"')).toBe('"say \\"hi\\""');
  });

  it('writes rules joined by and/or, skipping incomplete ones', () => {
    const spec: ConditionSpec = {
      join: 'and',
      rules: [
        { field: 'form.level', op: '==', value: 'high' },
        { field: 'ticket.priority', op: '<=', value: '2' },
        { field: 'form.kind', op: 'in', value: 'a, b，3' },
        { field: 'form.note', op: 'filled', value: '' },
        { field: 'process.approved', op: '==', value: 'true' },
        { field: '', op: '==', value: 'x' },
        { field: 'form.x', op: '!=', value: '' },
        { field: 'os.system', op: '==', value: 'x' },
      ],
    };
    expect(conditionToExpression(spec)).toBe(
      'form.level == "high" and ticket.priority <= 2 and form.kind in ["a", "b", 3] and filled(form.note) and process.approved == True',
    );
    expect(conditionToExpression({ join: 'or', rules: [{ field: 'form.a', op: 'not in', value: 'x' }, { field: 'form.b', op: 'empty', value: '' }] })).toBe(
      'form.a not in ["x"] or empty(form.b)',
    );
    expect(conditionToExpression({ join: 'and', rules: [] })).toBe('');
  });

  it('reads its own expressions back', () => {
    const spec: ConditionSpec = {
      join: 'or',
      rules: [
        { field: 'form.level', op: '==', value: 'high' },
        { field: 'ticket.priority', op: '<', value: '3' },
        { field: 'form.room', op: '!=', value: '"301"' },
        { field: 'form.kind', op: 'not in', value: 'a, b' },
        { field: 'form.note', op: 'empty', value: '' },
        { field: 'process.approved', op: '==', value: 'false' },
      ],
    };
    const text = conditionToExpression(spec);
    expect(expressionToCondition(text)).toEqual(spec);
    expect(conditionToExpression(expressionToCondition(text) as ConditionSpec)).toBe(text);
    expect(expressionToCondition("form.level == 'high'")).toEqual({ join: 'and', rules: [{ field: 'form.level', op: '==', value: 'high' }] });
    expect(expressionToCondition('')).toEqual({ join: 'and', rules: [] });
  });

  it('gives up on what it cannot show', () => {
    for (const text of ['not form.a', '(form.a == 1)', 'form.a == 1 and form.b == 2 or form.c == 3', 'form.a == form.b', 'form.a ==', 'form.a == 1 and']) {
      expect(expressionToCondition(text), text).toBeNull();
    }
  });
});

describe('problems and templates', () => {
  it('finds the element id in a problem label', () => {
    expect(problemElementId('\u5206\u8bca\uff08triage\uff09')).toBe('triage');
    expect(problemElementId('Flow_1')).toBe('Flow_1');
    expect(problemElementId('x (Task_2)')).toBe('Task_2');
  });

  it('makes BPMN ids from codes', () => {
    expect(processIdFromCode('pc-repair')).toBe('Process_pc_repair');
    expect(processIdFromCode('')).toBe('Process_new');
  });

  it('starts a new process from a minimal executable document with our extension', async () => {
    const moddle = new BpmnModdle({ hitsm });
    const xml = minimalProcessXml({ processId: 'Process_x', name: 'A & B', labels: { start: 'S', task: 'T', end: 'E' } });
    const { rootElement, warnings } = await moddle.fromXML(xml);
    expect(warnings).toEqual([]);
    const process = rootElement.rootElements[0];
    expect(process.isExecutable).toBe(true);
    expect(process.name).toBe('A & B');
    expect(process.flowElements.map((element: { $type: string }) => element.$type)).toEqual([
      'bpmn:StartEvent',
      'bpmn:UserTask',
      'bpmn:EndEvent',
      'bpmn:SequenceFlow',
      'bpmn:SequenceFlow',
    ]);
    const raci = process.flowElements[1].extensionElements.values[0];
    expect(raci.$type).toBe('hitsm:Raci');
    expect(raci.responsible).toBe('role:agent');
  });

  it('reads and writes every hitsm element the engine knows', async () => {
    const moddle = new BpmnModdle({ hitsm });
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:hitsm="http://hitsm.org/schema/bpmn" id="d" targetNamespace="t">
<bpmn:process id="p" isExecutable="true">
<bpmn:laneSet id="ls"><bpmn:lane id="l"><bpmn:extensionElements><hitsm:role code="engineer"/></bpmn:extensionElements></bpmn:lane></bpmn:laneSet>
<bpmn:userTask id="t"><bpmn:extensionElements><hitsm:raci responsible="role:agent group:desktop" informed="requester"/><hitsm:approval mode="all"/><hitsm:fields><hitsm:field key="level" access="required"/></hitsm:fields><hitsm:deadline minutes="60"/></bpmn:extensionElements></bpmn:userTask>
<bpmn:serviceTask id="s"><bpmn:extensionElements><hitsm:action name="ticket_note"><hitsm:param name="text" value="hi"/></hitsm:action></bpmn:extensionElements></bpmn:serviceTask>
</bpmn:process></bpmn:definitions>`;
    const { rootElement, warnings } = await moddle.fromXML(xml);
    expect(warnings).toEqual([]);
    const [task, service] = rootElement.rootElements[0].flowElements;
    const types = task.extensionElements.values.map((value: { $type: string }) => value.$type);
    expect(types).toEqual(['hitsm:Raci', 'hitsm:Approval', 'hitsm:Fields', 'hitsm:Deadline']);
    expect(task.extensionElements.values[2].values[0]).toMatchObject({ key: 'level', access: 'required' });
    expect(task.extensionElements.values[3].minutes).toBe(60);
    expect(service.extensionElements.values[0].params[0]).toMatchObject({ name: 'text', value: 'hi' });
    const { xml: out } = await moddle.toXML(rootElement);
    for (const fragment of [
      '<hitsm:raci responsible="role:agent group:desktop" informed="requester" />',
      '<hitsm:approval mode="all" />',
      '<hitsm:fields><hitsm:field key="level" access="required" /></hitsm:fields>',
      '<hitsm:deadline minutes="60" />',
      '<hitsm:action name="ticket_note"><hitsm:param name="text" value="hi" /></hitsm:action>',
      '<hitsm:role code="engineer" />',
    ]) {
      expect(out).toContain(fragment);
    }
  });
});

describe('restricted modeling', () => {
  const translate = (text: string) => text;

  it('keeps the engine-supported palette entries and adds tasks and gateways', () => {
    let provider: HitsmPalette | null = null;
    const palette = { registerProvider: (_priority: number, value: HitsmPalette) => (provider = value) };
    new HitsmPalette(palette as never, {} as never, {} as never, translate);
    const defaults = Object.fromEntries(
      [...PALETTE_KEPT, 'create.data-object', 'create.data-store', 'create.subprocess-expanded', 'create.group', 'create.task'].map((key) => [key, { action: () => 0 }]),
    );
    const entries = (provider as unknown as HitsmPalette).getPaletteEntries()(defaults);
    expect(Object.keys(entries).sort()).toEqual(
      [
        ...PALETTE_KEPT,
        'create.user-task',
        'create.service-task',
        'create.parallel-gateway',
        'create.call-activity',
        'create.message-catch-event',
        'create.message-throw-event',
      ].sort(),
    );
  });

  it('appends user tasks instead of plain tasks and drops unsupported events', () => {
    let provider: HitsmContextPad | null = null;
    const pad = { registerProvider: (_priority: number, value: HitsmContextPad) => (provider = value) };
    new HitsmContextPad(pad as never, {} as never, {} as never, translate, { get: () => null });
    const defaults = Object.fromEntries(
      [...CONTEXT_PAD_KEPT, 'append.append-task', 'append.receive-task', 'append.compensation-activity', 'append.signal-intermediate-event'].map((key) => [
        key,
        { action: () => 0 },
      ]),
    );
    const entries = (provider as unknown as HitsmContextPad).getContextPadEntries()(defaults);
    expect(Object.keys(entries).sort()).toEqual([...CONTEXT_PAD_KEPT, 'append.user-task'].sort());
    expect(entries['append.user-task']?.className).toBe('bpmn-icon-user-task');
  });

  it('removes script tasks and everything else the engine refuses from the replace menu', () => {
    let provider: HitsmReplaceMenu | null = null;
    const menu = { registerProvider: (_id: string, _priority: number, value: HitsmReplaceMenu) => (provider = value) };
    new HitsmReplaceMenu(menu as never);
    const keys = ['replace-with-user-task', 'replace-with-script-task', 'replace-with-rule-task', 'replace-with-inclusive-gateway', 'replace-with-timer-boundary', 'replace-with-message-boundary'];
    const entries = (provider as unknown as HitsmReplaceMenu).getPopupMenuEntries()(Object.fromEntries(keys.map((key) => [key, { action: () => 0 }])));
    expect(Object.keys(entries)).toEqual(['replace-with-user-task', 'replace-with-timer-boundary']);
    const headers = (provider as unknown as HitsmReplaceMenu).getPopupMenuHeaderEntries()({
      'toggle-loop': {},
      'toggle-parallel-mi': {},
      'toggle-non-interrupting': {},
    } as never);
    expect(Object.keys(headers)).toEqual(['toggle-non-interrupting']);
  });

  it('offers our sections per element type', () => {
    const element = (type: string, extra: Record<string, unknown> = {}) => ({
      type,
      businessObject: { $instanceOf: (name: string) => name === type || (name === 'bpmn:FlowNode' && type !== 'bpmn:SequenceFlow'), ...extra },
    });
    expect(sectionsFor(element('bpmn:UserTask') as never)).toEqual(['raci', 'task', 'fields']);
    expect(sectionsFor(element('bpmn:ServiceTask') as never)).toEqual(['action']);
    expect(sectionsFor(element('bpmn:Lane') as never)).toEqual(['lane']);
    const gateway = { $instanceOf: (name: string) => name === 'bpmn:ExclusiveGateway' };
    expect(sectionsFor(element('bpmn:SequenceFlow', { sourceRef: gateway }) as never)).toEqual(['condition']);
    expect(sectionsFor(element('bpmn:SequenceFlow', { sourceRef: { $instanceOf: () => false } }) as never)).toEqual([]);
    const timer = { $instanceOf: (name: string) => name === 'bpmn:TimerEventDefinition' };
    expect(sectionsFor(element('bpmn:BoundaryEvent', { eventDefinitions: [timer] }) as never)).toEqual(['timer']);
    expect(sectionsFor(element('bpmn:BoundaryEvent', { eventDefinitions: [] }) as never)).toEqual([]);
    expect(KEPT_GROUPS).toEqual(['general', 'documentation']);
  });

  it('speaks Chinese when the UI does, English otherwise, filling placeholders', () => {
    const zh = bpmnTranslator('zh-CN');
    expect(zh('Create user task')).toBe(zhCN['Create user task']);
    expect(zh('Open {element}', { element: 'X' })).toBe(zhCN['Open {element}'].replace('{element}', 'X'));
    expect(zh('Something new')).toBe('Something new');
    expect(bpmnTranslator('en')('Open {element}', { element: 'X' })).toBe('Open X');
  });
});

describe('instance trail', () => {
  it('marks done, current and future nodes and the flows taken', () => {
    const marks = trailMarkers(
      { completed: ['start', 'triage', 'gw', 'ghost'], current: ['fix', 'triage_timer'], future: ['end', 'fix'] },
      ['start', 'triage', 'gw', 'fix', 'end', 'triage_timer', 'other_end'],
      [
        { id: 'f1', source: 'start', target: 'triage' },
        { id: 'f2', source: 'triage', target: 'gw' },
        { id: 'f3', source: 'gw', target: 'fix' },
        { id: 'f4', source: 'gw', target: 'other_end' },
        { id: 'f5', source: 'fix', target: 'end' },
      ],
    );
    expect(marks).toEqual([
      { id: 'start', marker: 'wf-done' },
      { id: 'triage', marker: 'wf-done' },
      { id: 'gw', marker: 'wf-done' },
      { id: 'fix', marker: 'wf-current' },
      { id: 'triage_timer', marker: 'wf-current' },
      { id: 'end', marker: 'wf-future' },
      { id: 'f1', marker: 'wf-done' },
      { id: 'f2', marker: 'wf-done' },
      { id: 'f3', marker: 'wf-done' },
    ]);
  });
});
