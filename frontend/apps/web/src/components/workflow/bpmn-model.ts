/**
 * What the designer writes into BPMN, as pure functions (no bpmn-js here, so they are unit
 * tested): RACI references, ISO durations for timers, the condition builder's safe expressions
 * (hitsm/workflow/expressions.py), the messages a document sends and waits for, problem labels
 * back to element ids, and the minimal valid process a new definition starts from.
 */
import type { ApprovalMode, FieldAccess, RaciRole } from '@hitsm/api';

export const HITSM_NS = 'http://hitsm.org/schema/bpmn';
export const RACI_ROLES: readonly RaciRole[] = ['responsible', 'accountable', 'supportive', 'consulted', 'informed'];
export const APPROVAL_MODES: readonly ApprovalMode[] = ['single', 'all', 'any'];
export const FIELD_ACCESS: readonly FieldAccess[] = ['hidden', 'readonly', 'editable', 'required'];
/** Role codes (accounts/roles.py); `role:<code>` names everyone with the role. */
export const ROLE_CODES = ['requester', 'agent', 'engineer', 'sysadmin', 'manager', 'admin'] as const;
/** People the subject names: its requester, the requester's department head, its assignee. */
export const SUBJECT_REFS = ['requester', 'dept_head', 'assignee'] as const;

// --- RACI references -----------------------------------------------------------------------------

export type RefKind = 'role' | 'group' | 'user' | 'field' | 'subject';

/** `role:engineer group:desktop user:zhang requester field:approver` → a list, without repeats. */
export function parseRefs(text: string | null | undefined): string[] {
  return [...new Set((text ?? '').split(/\s+/).filter(Boolean))];
}

export function formatRefs(refs: readonly string[]): string {
  return [...new Set(refs.map((ref) => ref.trim()).filter(Boolean))].join(' ');
}

export function refParts(ref: string): { kind: RefKind | null; value: string } {
  const [head, ...rest] = ref.split(':');
  const value = rest.join(':');
  if (!rest.length) return { kind: (SUBJECT_REFS as readonly string[]).includes(ref) ? 'subject' : null, value: ref };
  if (head === 'role' || head === 'group' || head === 'user' || head === 'field') return { kind: head, value };
  return { kind: null, value: ref };
}

/** A reference the engine understands (anything else resolves to nobody). */
export function isValidRef(ref: string): boolean {
  const { kind, value } = refParts(ref);
  return kind !== null && value.length > 0 && !/\s/.test(value);
}

// --- timers ----------------------------------------------------------------------------------------

export type DurationUnit = 'minutes' | 'hours' | 'days';

/** 15 minutes → `PT15M`, 2 hours → `PT2H`, 1 day → `P1D`. */
export function durationToIso(amount: number, unit: DurationUnit): string {
  const n = Math.max(1, Math.round(amount));
  if (unit === 'days') return `P${n}D`;
  return unit === 'hours' ? `PT${n}H` : `PT${n}M`;
}

const ISO_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** The largest whole unit that expresses an ISO duration; null for what the builder cannot show. */
export function isoToDuration(text: string | null | undefined): { amount: number; unit: DurationUnit } | null {
  const match = ISO_DURATION.exec((text ?? '').trim().replace(/^["']|["']$/g, ''));
  if (!match || match[0] === 'P' || match[0] === 'PT') return null;
  const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number];
  if (seconds) return null;
  const total = days * 1440 + hours * 60 + minutes;
  if (total <= 0) return null;
  if (total % 1440 === 0) return { amount: total / 1440, unit: 'days' };
  if (total % 60 === 0) return { amount: total / 60, unit: 'hours' };
  return { amount: total, unit: 'minutes' };
}

// --- gateway conditions ----------------------------------------------------------------------------

export type ConditionOperator = '==' | '!=' | '>' | '>=' | '<' | '<=' | 'in' | 'not in' | 'filled' | 'empty';
export const CONDITION_OPERATORS: readonly ConditionOperator[] = ['==', '!=', '>', '>=', '<', '<=', 'in', 'not in', 'filled', 'empty'];
export const UNARY_OPERATORS: readonly ConditionOperator[] = ['filled', 'empty'];

export interface ConditionRule {
  /** `form.<key>`, `ticket.<field>` or `process.<name>`. */
  field: string;
  op: ConditionOperator;
  /** As typed: numbers and true/false become literals, `a, b` a list for in/not in, `"…"` stays text. */
  value: string;
}

export interface ConditionSpec {
  join: 'and' | 'or';
  rules: ConditionRule[];
}

const FIELD = /^(form|ticket|process)\.[A-Za-z][A-Za-z0-9_]*$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

export function isConditionField(field: string): boolean {
  return FIELD.test(field.trim());
}

/** One typed value as a literal of the safe subset. */
export function literal(value: string): string {
  const text = value.trim();
  if (NUMBER.test(text)) return text;
  if (/^true$/i.test(text)) return 'True';
  if (/^false$/i.test(text)) return 'False';
  if (/^"(?:[^"\\]|\\.)*"$/.test(text)) return text;
  return JSON.stringify(text);
}

function listLiteral(value: string): string {
  const items = value
    .split(/[,，]/)
    .map((part) => part.trim())
    .filter(Boolean);
  return `[${items.map(literal).join(', ')}]`;
}

/** A rule the builder can write (a known field; a value unless filled/empty). */
export function ruleComplete(rule: ConditionRule): boolean {
  if (!isConditionField(rule.field)) return false;
  return UNARY_OPERATORS.includes(rule.op) || rule.value.trim().length > 0;
}

export function ruleToExpression(rule: ConditionRule): string {
  const field = rule.field.trim();
  if (rule.op === 'filled' || rule.op === 'empty') return `${rule.op}(${field})`;
  if (rule.op === 'in' || rule.op === 'not in') return `${field} ${rule.op} ${listLiteral(rule.value)}`;
  return `${field} ${rule.op} ${literal(rule.value)}`;
}

/** The complete rules joined by `and`/`or`; '' when there is none. */
export function conditionToExpression(spec: ConditionSpec): string {
  return spec.rules
    .filter(ruleComplete)
    .map(ruleToExpression)
    .join(` ${spec.join} `);
}

type Token =
  | { t: 'name'; v: string }
  | { t: 'str'; v: string; raw: string }
  | { t: 'num'; v: string }
  | { t: 'op'; v: string }
  | { t: 'punct'; v: string };

function tokenize(text: string): Token[] | null {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const str = /^"(?:[^"\\]|\\.)*"|^'(?:[^'\\]|\\.)*'/.exec(rest);
    if (str) {
      const raw = str[0];
      let v: string;
      try {
        v = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw.slice(1, -1).replace(/\\(.)/g, '$1');
      } catch {
        return null;
      }
      tokens.push({ t: 'str', v, raw });
      i += raw.length;
      continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(rest);
    if (num) {
      tokens.push({ t: 'num', v: num[0] });
      i += num[0].length;
      continue;
    }
    const op = /^(==|!=|>=|<=|>|<)/.exec(rest);
    if (op) {
      tokens.push({ t: 'op', v: op[0] });
      i += op[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?/.exec(rest);
    if (name) {
      tokens.push({ t: 'name', v: name[0] });
      i += name[0].length;
      continue;
    }
    if ('[](),'.includes(rest[0] ?? '')) {
      tokens.push({ t: 'punct', v: rest[0] as string });
      i += 1;
      continue;
    }
    return null;
  }
  return tokens;
}

/** A literal token back to what the builder shows (quotes kept where they matter). */
function valueText(token: Token): string | null {
  if (token.t === 'num') return token.v;
  if (token.t === 'str') return NUMBER.test(token.v) || /^(true|false)$/i.test(token.v) ? JSON.stringify(token.v) : token.v;
  if (token.t === 'name' && (token.v === 'True' || token.v === 'False')) return token.v.toLowerCase();
  return null;
}

/**
 * Reads an expression the builder could have written (rules joined by one of and/or) back into
 * rules; null for anything else (parentheses, `not`, mixed and/or …), which the designer then
 * shows as text only.
 */
export function expressionToCondition(text: string | null | undefined): ConditionSpec | null {
  const source = (text ?? '').trim();
  if (!source) return { join: 'and', rules: [] };
  const tokens = tokenize(source);
  if (!tokens) return null;
  const rules: ConditionRule[] = [];
  let join: 'and' | 'or' | null = null;
  let i = 0;
  const at = (k: number) => tokens[k];
  while (i < tokens.length) {
    const first = at(i);
    if (!first || first.t !== 'name') return null;
    if ((first.v === 'filled' || first.v === 'empty') && at(i + 1)?.v === '(') {
      const field = at(i + 2);
      if (!field || field.t !== 'name' || !isConditionField(field.v) || at(i + 3)?.v !== ')') return null;
      rules.push({ field: field.v, op: first.v, value: '' });
      i += 4;
    } else {
      if (!isConditionField(first.v)) return null;
      let op = at(i + 1)?.v;
      let next = i + 2;
      if (op === 'not' && at(i + 2)?.v === 'in') {
        op = 'not in';
        next = i + 3;
      }
      if (op === 'in' || op === 'not in') {
        if (at(next)?.v !== '[') return null;
        const values: string[] = [];
        next += 1;
        while (at(next) && at(next)?.v !== ']') {
          const item = at(next) as Token;
          const shown = valueText(item);
          if (shown === null) return null;
          values.push(shown);
          next += 1;
          if (at(next)?.v === ',') next += 1;
        }
        if (at(next)?.v !== ']') return null;
        rules.push({ field: first.v, op, value: values.join(', ') });
        i = next + 1;
      } else if (op && (CONDITION_OPERATORS as readonly string[]).includes(op) && at(i + 1)?.t === 'op') {
        const valueToken = at(next);
        const shown = valueToken ? valueText(valueToken) : null;
        if (shown === null) return null;
        rules.push({ field: first.v, op: op as ConditionOperator, value: shown });
        i = next + 1;
      } else {
        return null;
      }
    }
    const connector = at(i);
    if (!connector) break;
    if (connector.t !== 'name' || (connector.v !== 'and' && connector.v !== 'or')) return null;
    if (join && join !== connector.v) return null;
    join = connector.v;
    i += 1;
    if (i >= tokens.length) return null;
  }
  return { join: join ?? 'and', rules };
}

// --- messages --------------------------------------------------------------------------------------

const BPMN_NS = 'http://www.omg.org/spec/BPMN/20100524/MODEL';
const THROWING = new Set(['intermediateThrowEvent', 'endEvent']);

/** How a process uses one message: it sends it (throw, end event), waits for it (catch), or both. */
export interface MessageUse {
  name: string;
  throws: boolean;
  catches: boolean;
}

/**
 * The messages a BPMN document sends and waits for, by name (the engine matches messages
 * between processes by name); unparsable documents and events naming no message give nothing.
 */
export function messageUses(xml: string): MessageUse[] {
  let doc: Document;
  try {
    doc = new DOMParser().parseFromString(xml, 'application/xml');
  } catch {
    return [];
  }
  if (doc.getElementsByTagName('parsererror').length) return [];
  const names = new Map<string, string>();
  for (const message of Array.from(doc.getElementsByTagNameNS(BPMN_NS, 'message'))) {
    const id = message.getAttribute('id');
    const name = (message.getAttribute('name') ?? '').trim();
    if (id && name) names.set(id, name);
  }
  const uses = new Map<string, MessageUse>();
  for (const definition of Array.from(doc.getElementsByTagNameNS(BPMN_NS, 'messageEventDefinition'))) {
    const name = names.get(definition.getAttribute('messageRef') ?? '');
    if (!name) continue;
    const use = uses.get(name) ?? { name, throws: false, catches: false };
    if (THROWING.has(definition.parentElement?.localName ?? '')) use.throws = true;
    else use.catches = true;
    uses.set(name, use);
  }
  return [...uses.values()];
}

/** A message another process uses (`MessageUse` with the process's name). */
export interface ProcessMessageUse extends MessageUse {
  process: string;
}

/** A name the message picker offers, with who else sends and waits for it. */
export interface MessageChoice {
  name: string;
  /** Declared in the document being edited. */
  local: boolean;
  senders: string[];
  receivers: string[];
}

/**
 * The names a message event may pick: this document's and the other processes', the ones
 * that fit first (for a catch event the names others send, for a throw event the names others
 * wait for), then by name.
 */
export function messageChoices(local: readonly string[], others: readonly ProcessMessageUse[], throwing: boolean): MessageChoice[] {
  const choices = new Map<string, MessageChoice>();
  const choice = (name: string) => {
    const found = choices.get(name) ?? { name, local: false, senders: [], receivers: [] };
    choices.set(name, found);
    return found;
  };
  for (const name of local) choice(name).local = true;
  for (const use of others) {
    const found = choice(use.name);
    if (use.throws && !found.senders.includes(use.process)) found.senders.push(use.process);
    if (use.catches && !found.receivers.includes(use.process)) found.receivers.push(use.process);
  }
  const fits = (item: MessageChoice) => (throwing ? item.receivers.length : item.senders.length) > 0;
  return [...choices.values()].sort((a, b) => Number(fits(b)) - Number(fits(a)) || a.name.localeCompare(b.name, 'zh-CN'));
}

/** The other processes on the far side of a message: waiting for it (when this sends) or sending it. */
export function messagePartners(name: string, others: readonly ProcessMessageUse[], throwing: boolean): string[] {
  if (!name) return [];
  const partners = others.filter((use) => use.name === name && (throwing ? use.catches : use.throws)).map((use) => use.process);
  return [...new Set(partners)];
}

// --- problems --------------------------------------------------------------------------------------

/** The server names an element `<name>（<id>）` (full-width parentheses) or by its id alone; this returns the id. */
export function problemElementId(label: string): string {
  const match = /[（(]([^（）()]+)[）)]\s*$/.exec(label.trim());
  return match ? (match[1] as string) : label.trim();
}

// --- a new process -----------------------------------------------------------------------------------

/** A BPMN id (an XML NCName) from a definition's code: `Process_<code>`. */
export function processIdFromCode(code: string): string {
  const safe = code.trim().replace(/[^A-Za-z0-9_]/g, '_');
  return `Process_${safe || 'new'}`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface TemplateLabels {
  start: string;
  task: string;
  end: string;
}

/**
 * The smallest process the engine publishes: start → one user task (R = service desk agents)
 * → end, executable, with its diagram.
 */
export function minimalProcessXml(options: { processId: string; name: string; labels: TemplateLabels; responsible?: string }): string {
  const { processId, name, labels } = options;
  const responsible = escapeXml(options.responsible ?? 'role:agent');
  const pid = escapeXml(processId);
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:hitsm="${HITSM_NS}" id="Definitions_${pid}" targetNamespace="http://hitsm.org/bpmn">
  <bpmn:process id="${pid}" name="${escapeXml(name)}" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" name="${escapeXml(labels.start)}">
      <bpmn:outgoing>Flow_1</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:userTask id="Task_1" name="${escapeXml(labels.task)}">
      <bpmn:extensionElements>
        <hitsm:raci responsible="${responsible}" />
      </bpmn:extensionElements>
      <bpmn:incoming>Flow_1</bpmn:incoming>
      <bpmn:outgoing>Flow_2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="EndEvent_1" name="${escapeXml(labels.end)}">
      <bpmn:incoming>Flow_2</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Task_1" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_1" targetRef="EndEvent_1" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="${pid}">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
        <dc:Bounds x="182" y="142" width="36" height="36" />
        <bpmndi:BPMNLabel><dc:Bounds x="185" y="185" width="30" height="14" /></bpmndi:BPMNLabel>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Task_1_di" bpmnElement="Task_1">
        <dc:Bounds x="280" y="120" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="EndEvent_1_di" bpmnElement="EndEvent_1">
        <dc:Bounds x="442" y="142" width="36" height="36" />
        <bpmndi:BPMNLabel><dc:Bounds x="445" y="185" width="30" height="14" /></bpmndi:BPMNLabel>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_1_di" bpmnElement="Flow_1">
        <di:waypoint x="218" y="160" />
        <di:waypoint x="280" y="160" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_2_di" bpmnElement="Flow_2">
        <di:waypoint x="380" y="160" />
        <di:waypoint x="442" y="160" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}
