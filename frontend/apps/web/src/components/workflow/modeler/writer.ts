/**
 * Reads and writes our `hitsm:` settings and the few standard properties the designer's own
 * panel edits (conditions, default flows, timers, called processes) on the modeler's elements.
 * Every write goes through the command stack, so undo/redo and the "unsaved" state see it.
 */
import type { ApprovalMode, FieldAccess, RaciRole } from '@hitsm/api';
import type BpmnFactory from 'bpmn-js/lib/features/modeling/BpmnFactory';
import type Modeling from 'bpmn-js/lib/features/modeling/Modeling';
import type Modeler from 'bpmn-js/lib/Modeler';
import type { Element, ModdleElement } from 'bpmn-js/lib/model/Types';
import type CommandStack from 'diagram-js/lib/command/CommandStack';

import { APPROVAL_MODES, FIELD_ACCESS, RACI_ROLES, formatRefs, parseRefs } from '../bpmn-model';

interface Command {
  cmd: string;
  context: Record<string, unknown>;
}

export interface FieldRule {
  key: string;
  access: FieldAccess;
}

export interface ActionSetting {
  name: string;
  params: Record<string, string>;
}

/** bpmn-js-properties-panel's handler that runs several commands as one undo step. */
const MULTI = 'properties-panel.multi-command-executor';

export function isType(element: Element | null | undefined, type: string): boolean {
  const bo = element?.businessObject;
  return Boolean(bo && typeof bo.$instanceOf === 'function' && bo.$instanceOf(type));
}

/** The timer definition of an event, when it has one. */
export function timerDefinition(element: Element): ModdleElement | undefined {
  const definitions: ModdleElement[] = element.businessObject?.eventDefinitions ?? [];
  return definitions.find((definition) => definition.$instanceOf('bpmn:TimerEventDefinition'));
}

/** The message definition of an event (a message catch/throw/end event), when it has one. */
export function messageDefinition(element: Element): ModdleElement | undefined {
  const definitions: ModdleElement[] = element.businessObject?.eventDefinitions ?? [];
  return definitions.find((definition) => definition.$instanceOf('bpmn:MessageEventDefinition'));
}

/** Whether a message event sends (throw, end) rather than waits (catch, boundary, start). */
export function isMessageThrow(element: Element): boolean {
  return isType(element, 'bpmn:IntermediateThrowEvent') || isType(element, 'bpmn:EndEvent');
}

/** A sequence flow leaving an exclusive gateway: the condition builder's element. */
export function isGatewayFlow(element: Element): boolean {
  return isType(element, 'bpmn:SequenceFlow') && Boolean(element.businessObject.sourceRef?.$instanceOf('bpmn:ExclusiveGateway'));
}

export class BpmnWriter {
  constructor(private readonly modeler: Modeler) {}

  private get commandStack(): CommandStack {
    return this.modeler.get<CommandStack>('commandStack');
  }

  private get bpmnFactory(): BpmnFactory {
    return this.modeler.get<BpmnFactory>('bpmnFactory');
  }

  private get modeling(): Modeling {
    return this.modeler.get<Modeling>('modeling');
  }

  private update(element: Element, moddleElement: ModdleElement, properties: Record<string, unknown>): Command {
    return { cmd: 'element.updateModdleProperties', context: { element, moddleElement, properties } };
  }

  private run(commands: Command[]): void {
    if (commands.length) this.commandStack.execute(MULTI, commands as never);
  }

  private create(type: string, properties: Record<string, unknown>, parent: ModdleElement): ModdleElement {
    const created = this.bpmnFactory.create(type, properties);
    created.$parent = parent;
    return created;
  }

  /** Our extension elements of one type on an element (usually one or none). */
  extensions(element: Element, type: string): ModdleElement[] {
    const values: ModdleElement[] = element.businessObject?.extensionElements?.values ?? [];
    return values.filter((value) => value.$type === type);
  }

  extension(element: Element, type: string): ModdleElement | undefined {
    return this.extensions(element, type)[0];
  }

  /**
   * Creates, updates or (with `null`) removes the element's one `type` extension; `build` makes
   * child elements once the parent exists (field rules, action parameters).
   */
  setExtension(
    element: Element,
    type: string,
    properties: Record<string, unknown> | null,
    build?: (parent: ModdleElement) => Record<string, unknown>,
  ): void {
    const bo = element.businessObject;
    const existing = this.extensions(element, type);
    let container: ModdleElement | undefined = bo.extensionElements;
    const commands: Command[] = [];
    if (properties === null) {
      if (!existing.length || !container) return;
      const values = (container.values as ModdleElement[]).filter((value) => !existing.includes(value));
      commands.push(values.length ? this.update(element, container, { values }) : this.update(element, bo, { extensionElements: undefined }));
    } else if (existing.length && container) {
      const [first, ...extra] = existing as [ModdleElement, ...ModdleElement[]];
      commands.push(this.update(element, first, { ...properties, ...(build ? build(first) : {}) }));
      if (extra.length) {
        commands.push(this.update(element, container, { values: (container.values as ModdleElement[]).filter((value) => !extra.includes(value)) }));
      }
    } else {
      if (!container) {
        container = this.create('bpmn:ExtensionElements', { values: [] }, bo);
        commands.push(this.update(element, bo, { extensionElements: container }));
      }
      const created = this.create(type, properties, container);
      if (build) Object.assign(created, build(created));
      commands.push(this.update(element, container, { values: [...((container.values as ModdleElement[]) ?? []), created] }));
    }
    this.run(commands);
  }

  // --- user tasks -------------------------------------------------------------------------------

  raci(element: Element): Record<RaciRole, string[]> {
    const raci = this.extension(element, 'hitsm:Raci');
    return Object.fromEntries(RACI_ROLES.map((role) => [role, parseRefs(raci?.get(role))])) as Record<RaciRole, string[]>;
  }

  setRaci(element: Element, raci: Partial<Record<RaciRole, readonly string[]>>): void {
    const current = this.raci(element);
    const next = Object.fromEntries(RACI_ROLES.map((role) => [role, formatRefs(raci[role] ?? current[role]) || undefined]));
    const empty = Object.values(next).every((value) => !value);
    this.setExtension(element, 'hitsm:Raci', empty ? null : next);
  }

  approval(element: Element): '' | ApprovalMode {
    const approval = this.extension(element, 'hitsm:Approval');
    if (!approval) return '';
    const mode = approval.get('mode');
    return (APPROVAL_MODES as readonly string[]).includes(mode) ? (mode as ApprovalMode) : 'single';
  }

  setApproval(element: Element, mode: '' | ApprovalMode): void {
    this.setExtension(element, 'hitsm:Approval', mode ? { mode } : null);
  }

  deadline(element: Element): number | null {
    const minutes = Number(this.extension(element, 'hitsm:Deadline')?.get('minutes'));
    return Number.isFinite(minutes) && minutes > 0 ? minutes : null;
  }

  setDeadline(element: Element, minutes: number | null): void {
    this.setExtension(element, 'hitsm:Deadline', minutes && minutes > 0 ? { minutes: Math.round(minutes) } : null);
  }

  fields(element: Element): FieldRule[] {
    const fields = this.extension(element, 'hitsm:Fields');
    const values: ModdleElement[] = fields?.values ?? [];
    return values.map((field) => ({
      key: String(field.get('key') ?? ''),
      access: (FIELD_ACCESS as readonly string[]).includes(field.get('access')) ? (field.get('access') as FieldAccess) : 'editable',
    }));
  }

  setFields(element: Element, rules: readonly FieldRule[]): void {
    const kept = rules.filter((rule) => rule.key.trim());
    if (!kept.length) {
      this.setExtension(element, 'hitsm:Fields', null);
      return;
    }
    this.setExtension(element, 'hitsm:Fields', {}, (parent) => ({
      values: kept.map((rule) => this.create('hitsm:Field', { key: rule.key.trim(), access: rule.access }, parent)),
    }));
  }

  // --- service tasks ----------------------------------------------------------------------------

  action(element: Element): ActionSetting {
    const action = this.extension(element, 'hitsm:Action');
    const params: ModdleElement[] = action?.params ?? [];
    return {
      name: String(action?.get('name') ?? ''),
      params: Object.fromEntries(params.map((param) => [String(param.get('name') ?? ''), String(param.get('value') ?? '')])),
    };
  }

  setAction(element: Element, setting: ActionSetting): void {
    if (!setting.name) {
      this.setExtension(element, 'hitsm:Action', null);
      return;
    }
    this.setExtension(element, 'hitsm:Action', { name: setting.name }, (parent) => ({
      params: Object.entries(setting.params)
        .filter(([name]) => name)
        .map(([name, value]) => this.create('hitsm:Param', { name, value }, parent)),
    }));
  }

  // --- lanes, call activities -------------------------------------------------------------------

  laneRole(element: Element): string {
    return String(this.extension(element, 'hitsm:Role')?.get('code') ?? '');
  }

  setLaneRole(element: Element, code: string): void {
    this.setExtension(element, 'hitsm:Role', code ? { code } : null);
  }

  calledElement(element: Element): string {
    return String(element.businessObject.calledElement ?? '');
  }

  setCalledElement(element: Element, processId: string): void {
    this.modeling.updateProperties(element, { calledElement: processId || undefined });
  }

  // --- messages --------------------------------------------------------------------------------

  private get definitions(): ModdleElement {
    return this.modeler.getDefinitions() as ModdleElement;
  }

  /** The name of the message an event sends or waits for ('' when it names none). */
  messageName(element: Element): string {
    return String(messageDefinition(element)?.messageRef?.name ?? '');
  }

  /** Names of the messages declared in this document (`<bpmn:message name="…"/>`), sorted. */
  messageNames(): string[] {
    const roots: ModdleElement[] = this.definitions?.rootElements ?? [];
    const names = roots.filter((root) => root.$instanceOf('bpmn:Message') && root.name).map((root) => String(root.name));
    return [...new Set(names)].sort((a, b) => a.localeCompare(b, 'zh-CN'));
  }

  /**
   * Points the event at the message with this name (the engine matches messages by name),
   * declaring `<bpmn:message>` at the definitions level when the document has none yet, and
   * dropping the old one when no other event uses it; '' clears the reference.
   */
  setMessageName(element: Element, name: string): void {
    const definition = messageDefinition(element);
    if (!definition) return;
    const wanted = name.trim();
    const current: ModdleElement | undefined = definition.messageRef;
    if (wanted === String(current?.name ?? '') && (wanted || !current)) return;
    const definitions = this.definitions;
    const before: ModdleElement[] = definitions.rootElements ?? [];
    let roots = [...before];
    let message = wanted ? roots.find((root) => root.$instanceOf('bpmn:Message') && root.name === wanted) : undefined;
    if (wanted && !message) {
      message = this.create('bpmn:Message', { name: wanted }, definitions);
      roots.push(message);
    }
    if (current && current !== message && !this.messageUsedElsewhere(current, definition)) roots = roots.filter((root) => root !== current);
    const commands: Command[] = [];
    if (roots.length !== before.length || roots.some((root, index) => root !== before[index])) {
      commands.push(this.update(element, definitions, { rootElements: roots }));
    }
    commands.push(this.update(element, definition, { messageRef: message }));
    this.run(commands);
  }

  private messageUsedElsewhere(message: ModdleElement, except: ModdleElement): boolean {
    const registry = this.modeler.get<{ getAll(): Element[] }>('elementRegistry');
    return registry.getAll().some((other) => {
      const definitions: ModdleElement[] = other.businessObject?.eventDefinitions ?? [];
      return definitions.some((definition) => definition !== except && definition.messageRef === message);
    });
  }

  // --- sequence flows ---------------------------------------------------------------------------

  condition(element: Element): string {
    return String(element.businessObject.conditionExpression?.body ?? '');
  }

  setCondition(element: Element, expression: string): void {
    const body = expression.trim();
    if (body === this.condition(element)) return;
    const conditionExpression = body ? this.bpmnFactory.create('bpmn:FormalExpression', { body }) : undefined;
    this.modeling.updateProperties(element, { conditionExpression });
  }

  isDefaultFlow(element: Element): boolean {
    const source = element.businessObject.sourceRef;
    return Boolean(source && source.default === element.businessObject);
  }

  /** Makes the flow its gateway's default (dropping its condition), or an ordinary flow again. */
  setDefaultFlow(element: Element, on: boolean): void {
    const registry = this.modeler.get<{ get(id: string): Element | undefined }>('elementRegistry');
    const source = element.businessObject.sourceRef;
    const gateway = source ? registry.get(source.id) : undefined;
    if (!gateway || on === this.isDefaultFlow(element)) return;
    const commands: Command[] = [this.update(gateway, gateway.businessObject, { default: on ? element.businessObject : undefined })];
    if (on && element.businessObject.conditionExpression) {
      commands.push(this.update(element, element.businessObject, { conditionExpression: undefined }));
    }
    this.run(commands);
  }

  // --- timers -----------------------------------------------------------------------------------

  timer(element: Element): { duration: string; other: boolean } {
    const definition = timerDefinition(element);
    return {
      duration: String(definition?.timeDuration?.body ?? ''),
      other: Boolean(definition?.timeDate || definition?.timeCycle),
    };
  }

  setTimerDuration(element: Element, iso: string): void {
    const definition = timerDefinition(element);
    if (!definition) return;
    const timeDuration = this.create('bpmn:FormalExpression', { body: iso }, definition);
    this.run([this.update(element, definition, { timeDuration, timeDate: undefined, timeCycle: undefined })]);
  }
}
