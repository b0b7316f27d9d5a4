import { BpmnModdle } from 'bpmn-moddle';
import type { Element, ModdleElement } from 'bpmn-js/lib/model/Types';
import { describe, expect, it } from 'vitest';

import {
  FIELD_LEVELS,
  TICKET_STATUS_STEPS,
  WEBHOOK_POLICIES,
  changeParam,
  defaultParams,
  numberText,
  numberValue,
  paramHint,
  paramInput,
  paramVisible,
} from '@/components/workflow/action-params';
import { messageChoices, messagePartners, messageUses } from '@/components/workflow/bpmn-model';
import hitsm from '@/components/workflow/hitsm-moddle.json';
import { HitsmPalette, HitsmReplaceMenu, PALETTE_KEPT } from '@/components/workflow/modeler/restrictions';
import { sectionsFor } from '@/components/workflow/modeler/sections';
import { BpmnWriter, isMessageThrow } from '@/components/workflow/modeler/writer';

const choiceValues = (input: ReturnType<typeof paramInput>) => (input.kind === 'select' ? input.choices.map((choice) => choice.value) : null);

describe('service task parameters', () => {
  it('offer the statuses, policies, fields and levels the publish check accepts', () => {
    expect(choiceValues(paramInput('ticket_set_status', 'status'))).toEqual(['in_progress', 'pending', 'resumed', 'resolved', 'closed']);
    expect([...TICKET_STATUS_STEPS]).toEqual(['in_progress', 'pending', 'resumed', 'resolved', 'closed']);
    expect(choiceValues(paramInput('http_webhook', 'policy'))).toEqual([...WEBHOOK_POLICIES]);
    expect(choiceValues(paramInput('ticket_set_field', 'field'))).toEqual(['impact', 'urgency']);
    expect(choiceValues(paramInput('ticket_set_field', 'value'))).toEqual([...FIELD_LEVELS]);
    expect(choiceValues(paramInput('ticket_set_status', 'reason'))).toEqual(['requester', 'vendor', 'change', 'other']);
    expect(choiceValues(paramInput('ticket_set_status', 'code'))).toContain('fixed');
    expect(choiceValues(paramInput('create_linked_ticket', 'kind'))).toEqual(['problem', 'change', 'improvement']);
  });

  it('label choices with the locale keys of what they mean', () => {
    const status = paramInput('ticket_set_status', 'status');
    expect(status.kind === 'select' && status.choices.find((choice) => choice.value === 'resumed')?.label).toBe('workflow.action.status.resumed');
    const impact = paramInput('ticket_set_field', 'value', { field: 'impact' });
    expect(impact.kind === 'select' && impact.choices[0]?.label).toBe('ticket.impact.level_1');
    const urgency = paramInput('ticket_set_field', 'value', { field: 'urgency' });
    expect(urgency.kind === 'select' && urgency.choices[2]?.label).toBe('ticket.urgency.level_3');
    const none = paramInput('ticket_set_field', 'value', { field: '' });
    expect(none.kind === 'select' && none.choices[1]?.label).toBe('workflow.action.level_2');
  });

  it('give attempts a number from 1 to 10, groups the group picker, notify people the RACI picker', () => {
    expect(paramInput('http_webhook', 'attempts')).toEqual({ kind: 'number', min: 1, max: 10, fallback: 5 });
    expect(paramInput('ticket_assign_group', 'group')).toEqual({ kind: 'group' });
    expect(paramInput('create_linked_ticket', 'group')).toEqual({ kind: 'group' });
    expect(paramInput('notify', 'to')).toEqual({ kind: 'refs' });
  });

  it('leave everything else a text input, also for actions the designer does not know', () => {
    for (const [action, param] of [
      ['notify', 'title'],
      ['notify', 'body'],
      ['ticket_note', 'text'],
      ['set_variable', 'value'],
      ['ticket_set_status', 'note'],
      ['some_new_action', 'status'],
      ['some_new_action', 'attempts'],
    ] as const) {
      expect(paramInput(action, param).kind, `${action}.${param}`).toBe('text');
    }
    expect(paramInput('http_webhook', 'url')).toEqual({ kind: 'text', placeholder: 'workflow.action.placeholder_url' });
  });

  it('show a pending reason only when pending and a resolution code only when resolved', () => {
    const params = { status: 'resolved', note: '', reason: '', code: '' };
    expect(paramVisible('ticket_set_status', 'code', params)).toBe(true);
    expect(paramVisible('ticket_set_status', 'reason', params)).toBe(false);
    expect(paramVisible('ticket_set_status', 'reason', { ...params, status: 'pending' })).toBe(true);
    expect(paramVisible('ticket_set_status', 'reason', { ...params, status: 'closed', reason: 'vendor' })).toBe(true); // a value the document has stays visible
    expect(paramVisible('ticket_set_status', 'note', params)).toBe(true);
    expect(paramVisible('http_webhook', 'result', {})).toBe(true);
  });

  it('clear values that no longer apply when the status changes', () => {
    const pending = { status: 'pending', note: 'x', reason: 'vendor', code: '' };
    expect(changeParam('ticket_set_status', pending, 'status', 'resolved')).toEqual({ status: 'resolved', note: 'x', reason: '', code: '' });
    expect(changeParam('ticket_set_status', { ...pending, status: 'resolved', code: 'fixed' }, 'status', 'pending')).toEqual({
      status: 'pending',
      note: 'x',
      reason: 'vendor',
      code: '',
    });
    expect(changeParam('http_webhook', { policy: 'retry' }, 'policy', 'manual')).toEqual({ policy: 'manual' });
  });

  it('start a webhook with the engine defaults written out', () => {
    expect(defaultParams('http_webhook')).toEqual({ policy: 'retry', attempts: '5' });
    expect(defaultParams('notify')).toEqual({});
  });

  it('write attempts as a whole number within bounds, and read them back', () => {
    expect(numberText(3, 1, 10)).toBe('3');
    expect(numberText(12, 1, 10)).toBe('10');
    expect(numberText(0, 1, 10)).toBe('1');
    expect(numberText(2.6, 1, 10)).toBe('3');
    expect(numberText(undefined, 1, 10)).toBe('');
    expect(numberText(null, 1, 10)).toBe('');
    expect(numberValue(' 7 ')).toBe(7);
    expect(numberValue('')).toBeNull();
    expect(numberValue('many')).toBeNull();
  });

  it('explain what the chosen failure policy does', () => {
    expect(paramHint('http_webhook', 'policy', { policy: 'manual' })).toBe('workflow.action.hint.policy_manual');
    expect(paramHint('http_webhook', 'policy', {})).toBe('workflow.action.hint.policy_retry');
    expect(paramHint('http_webhook', 'result')).toBe('workflow.action.hint.result');
    expect(paramHint('ticket_note', 'text')).toBeNull();
  });
});

// --- the writer over a document, as the backend reads it ---------------------------------------------

const DOCUMENT = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:hitsm="http://hitsm.org/schema/bpmn" id="d" targetNamespace="t">
<bpmn:process id="p" isExecutable="true">
<bpmn:serviceTask id="call" name="开通 HR 账号"/>
<bpmn:intermediateCatchEvent id="wait" name="等问题解决"><bpmn:messageEventDefinition id="wait_def"/></bpmn:intermediateCatchEvent>
<bpmn:intermediateThrowEvent id="tell" name="通知"><bpmn:messageEventDefinition id="tell_def"/></bpmn:intermediateThrowEvent>
</bpmn:process></bpmn:definitions>`;

/** Just enough of a modeler for the writer: commands apply their properties, the factory gives ids. */
async function open(xml = DOCUMENT) {
  const moddle = new BpmnModdle({ hitsm });
  const { rootElement: definitions } = await moddle.fromXML(xml);
  const shapes: Element[] = (definitions.rootElements[0].flowElements as ModdleElement[]).map(
    (bo) => ({ id: bo.id, type: bo.$type, businessObject: bo }) as unknown as Element,
  );
  let next = 0;
  const services: Record<string, unknown> = {
    commandStack: {
      execute: (_name: string, commands: { context: { moddleElement: ModdleElement; properties: Record<string, unknown> } }[]) => {
        for (const { context } of commands) for (const [key, value] of Object.entries(context.properties)) context.moddleElement.set(key, value);
      },
    },
    bpmnFactory: {
      create: (type: string, attrs: Record<string, unknown>) => {
        const created = moddle.create(type, attrs);
        if (type === 'bpmn:Message') created.id = `Message_${(next += 1)}`;
        return created;
      },
    },
    elementRegistry: { getAll: () => shapes, get: (id: string) => shapes.find((shape) => shape.id === id) },
  };
  const modeler = { get: (name: string) => services[name], getDefinitions: () => definitions };
  const writer = new BpmnWriter(modeler as never);
  const shape = (id: string) => shapes.find((item) => item.id === id) as Element;
  const xmlOut = async () => (await moddle.toXML(definitions)).xml;
  return { writer, shape, xmlOut };
}

describe('the designer writes what the engine reads', () => {
  it('writes a webhook step as <hitsm:action> with one <hitsm:param> per parameter', async () => {
    const { writer, shape, xmlOut } = await open();
    writer.setAction(shape('call'), { name: 'http_webhook', params: { url: 'https://hr.hospital.local/hooks', policy: 'manual', attempts: '3', result: 'hr' } });
    expect(await xmlOut()).toContain(
      '<hitsm:action name="http_webhook">' +
        '<hitsm:param name="url" value="https://hr.hospital.local/hooks" />' +
        '<hitsm:param name="policy" value="manual" />' +
        '<hitsm:param name="attempts" value="3" />' +
        '<hitsm:param name="result" value="hr" />' +
        '</hitsm:action>',
    );
    expect(writer.action(shape('call'))).toEqual({ name: 'http_webhook', params: { url: 'https://hr.hospital.local/hooks', policy: 'manual', attempts: '3', result: 'hr' } });
  });

  it('declares a message at the definitions level and points the event at it by messageRef', async () => {
    const { writer, shape, xmlOut } = await open();
    writer.setMessageName(shape('wait'), ' 问题已解决 ');
    writer.setMessageName(shape('tell'), '问题已解决');
    const xml = await xmlOut();
    expect(xml.match(/<bpmn:message /g)).toHaveLength(1); // both events share one message
    expect(xml).toContain('<bpmn:message id="Message_1" name="问题已解决" />');
    expect(xml).toContain('<bpmn:messageEventDefinition id="wait_def" messageRef="Message_1" />');
    expect(xml).toContain('<bpmn:messageEventDefinition id="tell_def" messageRef="Message_1" />');
    expect(writer.messageName(shape('wait'))).toBe('问题已解决');
    expect(writer.messageNames()).toEqual(['问题已解决']);
  });

  it('drops a message no event uses any more, keeps one still in use', async () => {
    const { writer, shape, xmlOut } = await open();
    writer.setMessageName(shape('wait'), '问题已解决');
    writer.setMessageName(shape('tell'), '问题已解决');
    writer.setMessageName(shape('wait'), '发布完成');
    let xml = await xmlOut();
    expect(xml).toContain('name="问题已解决"');
    expect(xml).toContain('<bpmn:message id="Message_2" name="发布完成" />');
    writer.setMessageName(shape('tell'), '');
    xml = await xmlOut();
    expect(xml).not.toContain('问题已解决');
    expect(xml).toContain('<bpmn:messageEventDefinition id="tell_def" />');
    expect(writer.messageNames()).toEqual(['发布完成']);
  });

  it('knows which message events send and which wait', async () => {
    const { shape } = await open();
    expect(isMessageThrow(shape('tell'))).toBe(true);
    expect(isMessageThrow(shape('wait'))).toBe(false);
    expect(sectionsFor(shape('wait'))).toEqual(['message']);
    expect(sectionsFor(shape('tell'))).toEqual(['message']);
    expect(sectionsFor(shape('call'))).toEqual(['action']);
  });
});

describe('messages between processes', () => {
  const problem = `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
    <bpmn:message id="m1" name="问题已解决"/><bpmn:message id="m2" name="发布完成"/><bpmn:message id="m3" name=""/>
    <bpmn:process id="p">
      <bpmn:endEvent id="e"><bpmn:messageEventDefinition messageRef="m1"/></bpmn:endEvent>
      <bpmn:intermediateCatchEvent id="c"><bpmn:messageEventDefinition messageRef="m2"/></bpmn:intermediateCatchEvent>
      <bpmn:intermediateThrowEvent id="t"><bpmn:messageEventDefinition messageRef="m3"/></bpmn:intermediateThrowEvent>
    </bpmn:process></bpmn:definitions>`;

  it('reads which messages a published process sends and waits for', () => {
    expect(messageUses(problem)).toEqual([
      { name: '问题已解决', throws: true, catches: false },
      { name: '发布完成', throws: false, catches: true },
    ]);
    expect(messageUses('<not xml')).toEqual([]);
  });

  it('offers first the names that fit: for a catch what others send, for a throw what others wait for', () => {
    const others = [
      { name: '问题已解决', process: '问题管理', throws: true, catches: false },
      { name: '发布完成', process: '发布管理', throws: true, catches: false },
      { name: '发布完成', process: '改进管理', throws: false, catches: true },
      { name: '问题已解决', process: '故障处理', throws: false, catches: true },
    ];
    const forCatch = messageChoices(['自定义'], others, false);
    expect(forCatch.map((choice) => choice.name)).toEqual(['发布完成', '问题已解决', '自定义']);
    expect(forCatch[0]).toEqual({ name: '发布完成', local: false, senders: ['发布管理'], receivers: ['改进管理'] });
    expect(forCatch[2]).toEqual({ name: '自定义', local: true, senders: [], receivers: [] });
    expect(messagePartners('发布完成', others, false)).toEqual(['发布管理']);
    expect(messagePartners('发布完成', others, true)).toEqual(['改进管理']);
    expect(messagePartners('', others, true)).toEqual([]);
  });
});

describe('the palette and replace menu offer message events', () => {
  it('adds message catch and throw events to the palette', () => {
    let provider: HitsmPalette | null = null;
    const created: unknown[] = [];
    const palette = { registerProvider: (_priority: number, value: HitsmPalette) => (provider = value) };
    const factory = { createShape: (attrs: unknown) => (created.push(attrs), attrs) };
    const create = { start: () => undefined };
    new HitsmPalette(palette as never, create as never, factory as never, (text: string) => text);
    const entries = (provider as unknown as HitsmPalette).getPaletteEntries()(Object.fromEntries(PALETTE_KEPT.map((key) => [key, { action: () => 0 }])));
    const entry = entries['create.message-catch-event'] as { className: string; action: { click: (event: Event) => void } };
    expect(entry.className).toBe('bpmn-icon-intermediate-event-catch-message');
    entry.action.click(new Event('click'));
    (entries['create.message-throw-event'] as { action: { click: (event: Event) => void } }).action.click(new Event('click'));
    expect(created).toEqual([
      { type: 'bpmn:IntermediateCatchEvent', eventDefinitionType: 'bpmn:MessageEventDefinition' },
      { type: 'bpmn:IntermediateThrowEvent', eventDefinitionType: 'bpmn:MessageEventDefinition' },
    ]);
  });

  it('lets an event become a message catch, throw or end event, but no message boundary or start', () => {
    let provider: HitsmReplaceMenu | null = null;
    new HitsmReplaceMenu({ registerProvider: (_id: string, _priority: number, value: HitsmReplaceMenu) => (provider = value) } as never);
    const keys = [
      'replace-with-message-intermediate-catch',
      'replace-with-message-intermediate-throw',
      'replace-with-message-end',
      'replace-with-message-start',
      'replace-with-message-boundary',
      'replace-with-signal-intermediate-throw',
    ];
    const entries = (provider as unknown as HitsmReplaceMenu).getPopupMenuEntries()(Object.fromEntries(keys.map((key) => [key, { action: () => 0 }])));
    expect(Object.keys(entries)).toEqual(['replace-with-message-intermediate-catch', 'replace-with-message-intermediate-throw', 'replace-with-message-end']);
  });
});
