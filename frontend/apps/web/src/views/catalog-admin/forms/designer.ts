/**
 * The form designer's state operations, as plain functions over the schema (docs/catalog.md):
 * each returns a new schema and leaves its input alone, so the page can compare the draft with
 * what the server has, and every rule here is unit-tested (tests/catalog-form-designer.test.ts).
 * Whether a schema is valid is decided by `checkSchema` (packages/api/src/forms/logic.ts) and,
 * finally, by the server; these functions only keep the designer's own promises: keys are
 * unique, a deleted or renamed field's conditions follow it, a table holds only column types.
 */
import {
  COLUMN_TYPES,
  DEFAULT_MAX_FILES,
  FIELD_KEY_PATTERN,
  isReferenceField,
  type ConditionOp,
  type ConditionRule,
  type FieldOption,
  type FieldType,
  type FieldValue,
  type FormField,
  type FormSchema,
  type Scalar,
  type VisibleWhen,
} from '@hitsm/api';

// The server's limits (backend/hitsm/catalog/formschema.py), as the shared schema module has them.
export { DEFAULT_MAX_FILES, FIELD_KEY_PATTERN, MAX_COLUMNS, MAX_FIELDS, MAX_FILES, MAX_OPTIONS } from '@hitsm/api';

export type PaletteGroupKey = 'basic' | 'choice' | 'people' | 'attachment' | 'layout';

/** The palette: every field type once, in the groups the admin looks for them in. */
export const PALETTE_GROUPS: readonly { key: PaletteGroupKey; types: readonly FieldType[] }[] = [
  { key: 'basic', types: ['text', 'textarea', 'number', 'date', 'time', 'datetime'] },
  { key: 'choice', types: ['select', 'radio', 'checkbox'] },
  { key: 'people', types: ['user', 'department', 'ci'] },
  { key: 'attachment', types: ['file', 'image'] },
  { key: 'layout', types: ['section', 'table'] },
];

/** An Element Plus icon name per type (rendered through `nav-icon`). */
export const FIELD_ICONS: Readonly<Record<FieldType, string>> = {
  section: 'Memo',
  text: 'EditPen',
  textarea: 'Document',
  number: 'Odometer',
  select: 'ArrowDown',
  radio: 'CircleCheck',
  checkbox: 'Finished',
  date: 'Calendar',
  time: 'Clock',
  datetime: 'Timer',
  user: 'User',
  department: 'OfficeBuilding',
  ci: 'Monitor',
  file: 'Paperclip',
  image: 'Picture',
  table: 'Grid',
};

export function isColumnType(type: FieldType): boolean {
  return COLUMN_TYPES.includes(type);
}

/** The field takes its values from a list of options (not from a data source). */
export function hasOptions(field: Pick<FormField, 'type' | 'source'>): boolean {
  return field.type === 'radio' || field.type === 'checkbox' || (field.type === 'select' && !field.source);
}

/** The value is an id of a user, a department or a CI. */
export function isReference(field: Pick<FormField, 'type' | 'source'>): boolean {
  return isReferenceField(field);
}

/** Which kind of record a reference field names. */
export function referenceKind(field: Pick<FormField, 'type' | 'source'>): 'users' | 'departments' | 'cis' | null {
  if (field.type === 'user') return 'users';
  if (field.type === 'department') return 'departments';
  if (field.type === 'ci') return 'cis';
  if (field.type === 'select' && field.source) return field.source.kind;
  return null;
}

/** Types whose value may be a list (the `multiple` switch). */
export function canBeMultiple(field: Pick<FormField, 'type'>): boolean {
  return ['select', 'user', 'department', 'ci'].includes(field.type);
}

/** The value is a list (checkbox always; select / reference fields when `multiple`). */
export function holdsList(field: Pick<FormField, 'type' | 'multiple'>): boolean {
  return field.type === 'checkbox' || (canBeMultiple(field) && Boolean(field.multiple));
}

/** A default value can be set in the designer (not for sections, files, tables or ids). */
export function takesDefault(field: Pick<FormField, 'type' | 'source'>): boolean {
  return !['section', 'file', 'image', 'table'].includes(field.type) && !isReference(field);
}

// --- keys -----------------------------------------------------------------------------------

/** Every key in the form, table columns included (new keys avoid all of them). */
export function allKeys(schema: FormSchema): Set<string> {
  const keys = new Set<string>();
  for (const field of schema.fields) {
    keys.add(field.key);
    for (const column of field.columns ?? []) keys.add(column.key);
  }
  return keys;
}

/** `field_N` with N one above the highest already used (`field_3` after `field_2`). */
export function nextKey(taken: Iterable<string>, prefix = 'field'): string {
  const used = new Set(taken);
  const pattern = new RegExp(`^${prefix}_(\\d+)$`);
  let highest = 0;
  for (const key of used) {
    const match = pattern.exec(key);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  let n = highest + 1;
  while (used.has(`${prefix}_${n}`)) n += 1;
  return `${prefix}_${n}`;
}

export type KeyProblem = 'format' | 'duplicate';

/** Why `key` cannot be used where `siblings` are the other keys of the same level. */
export function keyProblem(key: string, siblings: Iterable<string>): KeyProblem | null {
  if (!FIELD_KEY_PATTERN.test(key)) return 'format';
  for (const other of siblings) if (other === key) return 'duplicate';
  return null;
}

/** The keys a top-level field's new key must differ from. */
export function fieldSiblingKeys(schema: FormSchema, key: string): string[] {
  return schema.fields.map((field) => field.key).filter((other) => other !== key);
}

/** The keys a column's new key must differ from (the table's other columns). */
export function columnSiblingKeys(schema: FormSchema, tableKey: string, columnKey: string): string[] {
  return (findField(schema, tableKey)?.columns ?? []).map((column) => column.key).filter((other) => other !== columnKey);
}

// --- creating fields ------------------------------------------------------------------------

/** Labels for what a new field starts with (the page passes translated text). */
export interface NewFieldText {
  /** The field's label, usually the type's name. */
  label: string;
  /** The label of option N of a new select / radio / checkbox. */
  option?: (n: number) => string;
  /** The label of a new table's first column. */
  column?: string;
}

/** Option value `optN` with N one above the highest used, so values stay unique. */
export function nextOptionValue(options: readonly FieldOption[]): string {
  const used = new Set(options.map((option) => option.value));
  let highest = 0;
  for (const value of used) {
    const match = /^opt(\d+)$/.exec(value);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  let n = highest + 1;
  while (used.has(`opt${n}`)) n += 1;
  return `opt${n}`;
}

export function createField(type: FieldType, taken: Iterable<string>, text: NewFieldText): FormField {
  const field: FormField = { key: nextKey(taken), type, label: text.label, required: false };
  const optionLabel = text.option ?? ((n: number) => String(n));
  switch (type) {
    case 'select':
    case 'radio':
    case 'checkbox':
      field.options = [
        { value: 'opt1', label: optionLabel(1) },
        { value: 'opt2', label: optionLabel(2) },
      ];
      if (type === 'select') field.multiple = false;
      break;
    case 'user':
    case 'department':
    case 'ci':
      field.multiple = false;
      break;
    case 'number':
      field.precision = 0;
      break;
    case 'file':
    case 'image':
      field.max_files = DEFAULT_MAX_FILES;
      break;
    case 'table':
      field.columns = [{ key: 'col_1', type: 'text', label: text.column ?? 'col_1', required: false }];
      break;
    case 'section':
      delete field.required;
      break;
    default:
      break;
  }
  return field;
}

// --- top-level fields -----------------------------------------------------------------------

export function findField(schema: FormSchema, key: string): FormField | undefined {
  return schema.fields.find((field) => field.key === key);
}

export function indexOfField(schema: FormSchema, key: string): number {
  return schema.fields.findIndex((field) => field.key === key);
}

/** A copy of `list` with the item at `from` moved to `to` (both clamped into the list). */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  if (from < 0 || from >= out.length) return out;
  const [item] = out.splice(from, 1);
  out.splice(Math.max(0, Math.min(to, out.length)), 0, item as T);
  return out;
}

/** Insert a field at `index` (clamped: past the end appends). */
export function insertField(schema: FormSchema, field: FormField, index: number): FormSchema {
  const fields = [...schema.fields];
  fields.splice(Math.max(0, Math.min(index, fields.length)), 0, field);
  return { ...schema, fields };
}

export function appendField(schema: FormSchema, field: FormField): FormSchema {
  return insertField(schema, field, schema.fields.length);
}

export function moveField(schema: FormSchema, from: number, to: number): FormSchema {
  return { ...schema, fields: moveItem(schema.fields, from, to) };
}

/** Apply a patch; a property patched to `undefined` is removed. */
function patched(field: FormField, patch: Partial<FormField>): FormField {
  const out: FormField = { ...field, ...patch };
  for (const [name, value] of Object.entries(patch)) {
    if (value === undefined) delete (out as unknown as Record<string, unknown>)[name];
  }
  return out;
}

export function updateField(schema: FormSchema, key: string, patch: Partial<FormField>): FormSchema {
  return { ...schema, fields: schema.fields.map((field) => (field.key === key ? patched(field, patch) : field)) };
}

function copyOf<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** A copy of the field right after it, under a new key; answers the copy's key. */
export function duplicateField(schema: FormSchema, key: string): { schema: FormSchema; key: string } {
  const index = indexOfField(schema, key);
  const original = schema.fields[index];
  if (!original) return { schema, key };
  const copy: FormField = { ...copyOf(original), key: nextKey(allKeys(schema)) };
  return { schema: insertField(schema, copy, index + 1), key: copy.key };
}

/** Keep only the rules `keep` accepts; a condition left without rules is removed. */
function filterRules(field: FormField, keep: (rule: ConditionRule) => boolean): { field: FormField; dropped: number } {
  const condition = field.visible_when;
  if (!condition) return { field, dropped: 0 };
  const rules = condition.rules.filter(keep);
  const dropped = condition.rules.length - rules.length;
  if (!dropped) return { field, dropped: 0 };
  return { field: { ...field, visible_when: rules.length ? { ...condition, rules } : null }, dropped };
}

/**
 * Remove a field. The other fields' rules that named it go too (a condition left empty is
 * removed): `droppedRules` says how many, for the page to tell the admin.
 */
export function deleteField(schema: FormSchema, key: string): { schema: FormSchema; droppedRules: number } {
  let droppedRules = 0;
  const fields = schema.fields
    .filter((field) => field.key !== key)
    .map((field) => {
      const result = filterRules(field, (rule) => rule.field !== key);
      droppedRules += result.dropped;
      return result.field;
    });
  return { schema: { ...schema, fields }, droppedRules };
}

/** Change a field's key; the conditions that name it follow. */
export function renameField(schema: FormSchema, from: string, to: string): FormSchema {
  if (from === to) return schema;
  const fields = schema.fields.map((field) => {
    const renamed = field.key === from ? { ...field, key: to } : field;
    const condition = renamed.visible_when;
    if (!condition?.rules.some((rule) => rule.field === from)) return renamed;
    return {
      ...renamed,
      visible_when: { ...condition, rules: condition.rules.map((rule) => (rule.field === from ? { ...rule, field: to } : rule)) },
    };
  });
  return { ...schema, fields };
}

// --- table columns --------------------------------------------------------------------------

function withColumns(schema: FormSchema, tableKey: string, change: (columns: FormField[]) => FormField[]): FormSchema {
  return {
    ...schema,
    fields: schema.fields.map((field) => (field.key === tableKey && field.type === 'table' ? { ...field, columns: change([...(field.columns ?? [])]) } : field)),
  };
}

export function findColumn(schema: FormSchema, tableKey: string, columnKey: string): FormField | undefined {
  return findField(schema, tableKey)?.columns?.find((column) => column.key === columnKey);
}

/** A new column (`col_N`) of a column type, at `index` or last; answers its key (null if refused). */
export function addColumn(
  schema: FormSchema,
  tableKey: string,
  type: FieldType,
  text: NewFieldText,
  index?: number,
): { schema: FormSchema; key: string | null } {
  const table = findField(schema, tableKey);
  if (!table || table.type !== 'table' || !isColumnType(type)) return { schema, key: null };
  const columns = table.columns ?? [];
  const column = { ...createField(type, [], text), key: nextKey(columns.map((c) => c.key), 'col') };
  return {
    schema: withColumns(schema, tableKey, (list) => {
      list.splice(index === undefined ? list.length : Math.max(0, Math.min(index, list.length)), 0, column);
      return list;
    }),
    key: column.key,
  };
}

/** Put a column made elsewhere (e.g. dropped from the palette) into a table, under a free key. */
export function adoptColumn(schema: FormSchema, tableKey: string, column: FormField, index: number): { schema: FormSchema; key: string | null } {
  const table = findField(schema, tableKey);
  if (!table || table.type !== 'table' || !isColumnType(column.type)) return { schema, key: null };
  const keys = (table.columns ?? []).map((c) => c.key);
  const key = keys.includes(column.key) || !column.key.startsWith('col_') ? nextKey(keys, 'col') : column.key;
  const adopted = { ...column, key };
  return {
    schema: withColumns(schema, tableKey, (list) => {
      list.splice(Math.max(0, Math.min(index, list.length)), 0, adopted);
      return list;
    }),
    key,
  };
}

export function updateColumn(schema: FormSchema, tableKey: string, columnKey: string, patch: Partial<FormField>): FormSchema {
  return withColumns(schema, tableKey, (columns) => columns.map((column) => (column.key === columnKey ? patched(column, patch) : column)));
}

export function moveColumn(schema: FormSchema, tableKey: string, from: number, to: number): FormSchema {
  return withColumns(schema, tableKey, (columns) => moveItem(columns, from, to));
}

export function deleteColumn(schema: FormSchema, tableKey: string, columnKey: string): FormSchema {
  return withColumns(schema, tableKey, (columns) => columns.filter((column) => column.key !== columnKey));
}

export function duplicateColumn(schema: FormSchema, tableKey: string, columnKey: string): { schema: FormSchema; key: string } {
  const columns = findField(schema, tableKey)?.columns ?? [];
  const index = columns.findIndex((column) => column.key === columnKey);
  const original = columns[index];
  if (!original) return { schema, key: columnKey };
  const copy = { ...copyOf(original), key: nextKey(columns.map((c) => c.key), 'col') };
  return {
    schema: withColumns(schema, tableKey, (list) => {
      list.splice(index + 1, 0, copy);
      return list;
    }),
    key: copy.key,
  };
}

export function renameColumn(schema: FormSchema, tableKey: string, from: string, to: string): FormSchema {
  return updateColumn(schema, tableKey, from, { key: to });
}

// --- options --------------------------------------------------------------------------------

export function addOption(options: readonly FieldOption[], label: (n: number) => string): FieldOption[] {
  const value = nextOptionValue(options);
  return [...options, { value, label: label(Number(value.slice(3))) }];
}

// --- conditions -----------------------------------------------------------------------------

/** The fields a condition of `key` may name: top-level fields before it that hold a value. */
export function conditionCandidates(schema: FormSchema, key: string): FormField[] {
  const index = indexOfField(schema, key);
  const before = index < 0 ? schema.fields : schema.fields.slice(0, index);
  return before.filter((field) => field.type !== 'section');
}

/** The operators that make sense for a field's values. */
export function operatorsFor(field: Pick<FormField, 'type' | 'source'> | undefined): ConditionOp[] {
  if (!field) return ['eq', 'ne', 'filled', 'empty'];
  if (['file', 'image', 'table'].includes(field.type)) return ['filled', 'empty'];
  if (field.type === 'number' || field.type === 'date' || field.type === 'time' || field.type === 'datetime') {
    return ['eq', 'ne', 'in', 'not_in', 'gt', 'gte', 'lt', 'lte', 'filled', 'empty'];
  }
  if (isReference(field)) return ['eq', 'ne', 'filled', 'empty'];
  return ['eq', 'ne', 'in', 'not_in', 'filled', 'empty'];
}

/** What an operator compares with: nothing, one value, or a list of values. */
export function operatorArity(op: ConditionOp): 'none' | 'single' | 'list' {
  if (op === 'filled' || op === 'empty') return 'none';
  if (op === 'in' || op === 'not_in') return 'list';
  return 'single';
}

/**
 * A rule made consistent after its field or operator changed: an operator the field does not
 * take becomes the first it does; the value is kept when its shape still fits, else reset.
 */
export function adaptRule(rule: ConditionRule, field: FormField | undefined): ConditionRule {
  const ops = operatorsFor(field);
  const op = ops.includes(rule.op) ? rule.op : (ops[0] as ConditionOp);
  const arity = operatorArity(op);
  if (arity === 'none') return { field: rule.field, op };
  const value = rule.value;
  if (arity === 'list') {
    const list = Array.isArray(value) ? (value as Scalar[]) : value === undefined || value === null || value === '' ? [] : [value as Scalar];
    return { field: rule.field, op, value: list };
  }
  const single = Array.isArray(value) ? ((value[0] as Scalar | undefined) ?? null) : (value ?? null);
  return { field: rule.field, op, value: single };
}

export function newRule(candidates: readonly FormField[]): ConditionRule {
  const field = candidates[candidates.length - 1];
  return adaptRule({ field: field?.key ?? '', op: 'eq', value: null }, field);
}

/** Add a rule (creating the condition, matching all, if the field had none). */
export function addRule(condition: VisibleWhen | null | undefined, rule: ConditionRule): VisibleWhen {
  return { match: condition?.match ?? 'all', rules: [...(condition?.rules ?? []), rule] };
}

/** Remove rule `index`; no rules left means no condition. */
export function removeRule(condition: VisibleWhen, index: number): VisibleWhen | null {
  const rules = condition.rules.filter((_rule, i) => i !== index);
  return rules.length ? { ...condition, rules } : null;
}

// --- problems -------------------------------------------------------------------------------

/** One problem of the schema, placed on the field (and column) it belongs to. */
export interface PlacedProblem {
  /** The top-level field's key, null when the problem concerns the whole form. */
  field: string | null;
  column: string | null;
  /** What the path names inside the field (`options`, `visible_when.rules.0.field`, …). */
  where: string;
  messages: string[];
}

/**
 * Place problems keyed like the server's (`fields.3.options`, `draft_schema.fields.3.columns.0.key`)
 * on the fields they belong to, by position in `schema` (the one that was checked).
 */
export function placeProblems(schema: FormSchema, problems: Readonly<Record<string, readonly string[]>>): PlacedProblem[] {
  const placed: PlacedProblem[] = [];
  for (const [path, messages] of Object.entries(problems)) {
    if (!messages.length) continue;
    const match = /^(?:draft_schema\.)?fields\.(\d+)(?:\.(.*))?$/.exec(path);
    const field = match ? schema.fields[Number(match[1])] : undefined;
    if (!match || !field) {
      placed.push({ field: null, column: null, where: path, messages: [...messages] });
      continue;
    }
    const rest = match[2] ?? '';
    const columnMatch = /^columns\.(\d+)(?:\.(.*))?$/.exec(rest);
    const column = columnMatch ? field.columns?.[Number(columnMatch[1])] : undefined;
    placed.push({
      field: field.key,
      column: column?.key ?? null,
      where: column ? (columnMatch?.[2] ?? '') : rest,
      messages: [...messages],
    });
  }
  return placed;
}

/** Problems as a list of `{path, message}` (`schemaProblems`) keyed by path, like the server's. */
export function problemMap(list: readonly { path: string; message: string }[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const { path, message } of list) (out[path] ??= []).push(message);
  return out;
}

/** The top-level keys that have a problem (for the canvas' marks). */
export function problemKeys(problems: readonly PlacedProblem[]): Set<string> {
  return new Set(problems.flatMap((problem) => (problem.field ? [problem.field] : [])));
}

// --- saving ---------------------------------------------------------------------------------

const OPTIONAL_TEXT = ['help', 'placeholder', 'unit', 'pattern', 'pattern_message'] as const;
const OPTIONAL_NUMBERS = ['min', 'max', 'min_rows', 'max_rows'] as const;

function tidyField(field: FormField, column: boolean): FormField {
  const out: FormField = { ...field };
  const record = out as unknown as Record<string, unknown>;
  for (const name of OPTIONAL_TEXT) if (!out[name]) delete record[name];
  for (const name of OPTIONAL_NUMBERS) if (out[name] === null || out[name] === undefined) delete record[name];
  if (out.default === null || out.default === undefined || out.default === '' || (Array.isArray(out.default) && !out.default.length)) {
    delete record.default;
  }
  if (!out.source) delete record.source;
  else if (out.type === 'select') delete record.options;
  if (!out.visible_when || column) delete record.visible_when;
  if (out.type === 'table') out.columns = (out.columns ?? []).map((c) => tidyField(c, true));
  for (const [name, value] of Object.entries(record)) if (value === undefined) delete record[name];
  return out;
}

/** The schema as it is saved: empty optional settings left out, options dropped under a source. */
export function tidySchema(schema: FormSchema): FormSchema {
  return { fields: schema.fields.map((field) => tidyField(field, false)) };
}

/** JSON with object keys sorted, so two schemas compare equal whatever order keys were set in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

export function sameSchema(a: FormSchema, b: FormSchema): boolean {
  return canonicalJson(tidySchema(a)) === canonicalJson(tidySchema(b));
}

/** A schema from the server, made safe to edit (missing `fields` becomes an empty list). */
export function editableSchema(schema: FormSchema | null | undefined): FormSchema {
  return { fields: Array.isArray(schema?.fields) ? copyOf(schema.fields) : [] };
}

/** A default value of the right shape after the field changed (e.g. `multiple` was switched). */
export function fitDefault(field: FormField): FieldValue {
  const value = field.default;
  if (value === undefined || value === null) return value;
  if (holdsList(field)) return Array.isArray(value) ? value : [value as Scalar];
  return Array.isArray(value) ? null : value;
}

// --- selection ------------------------------------------------------------------------------

/** What the properties panel shows: a top-level field, or one column of a table field. */
export interface Selection {
  field: string;
  column: string | null;
}
