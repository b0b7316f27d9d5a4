/**
 * The catalog form rules the renderers and the designer share (docs/catalog.md): which fields
 * are visible, what is submitted, what is wrong with an answer or with a schema.
 *
 * The server (backend/hitsm/catalog/formschema.py) is the authority; this module follows it step
 * by step so a form the browser accepts is a form the server accepts, and errors are keyed the
 * same way (`key`, `key.<row>.<column>`; the server adds a `form_data.` prefix).
 *
 * Messages come from a {@link FormMessages} function (the apps pass one over their locale files,
 * `forms.messages.*`); without one they are English.
 */
import {
  COLUMN_TYPES,
  CONDITION_OPS,
  DEFAULT_MAX_FILES,
  FIELD_KEY_PATTERN,
  FIELD_TYPES,
  FILE_FIELD_TYPES,
  MAX_COLUMNS,
  MAX_FIELDS,
  MAX_FILES,
  MAX_OPTIONS,
  MAX_ROWS,
  MAX_TEXT,
  MAX_TEXTAREA,
  OPTION_FIELD_TYPES,
  type ConditionRule,
  type FieldValue,
  type FormData,
  type FormErrors,
  type FormField,
  type FormSchema,
  type Scalar,
  type TableRow,
} from './schema';

// --- messages ---------------------------------------------------------------------------------

/** English fallbacks; the Chinese wording (the server's) lives in `forms.messages.*`. */
export const FORM_MESSAGES_EN = {
  // answers
  required: 'This field is required',
  file_required: 'Please upload a file',
  hidden_filled: 'This field is not shown and must stay empty',
  unknown_field: 'The form has no such field',
  files_not_data: 'Files are uploaded with the form, not filled in',
  max_files: 'Upload at most {n} files',
  not_image: 'Only images can be uploaded here',
  text: 'Please enter text',
  min_length: 'At least {n} characters',
  max_length: 'At most {n} characters',
  pattern: 'The format is not valid',
  number: 'Please enter a number',
  number_too_large: 'The number is too large',
  integer: 'Whole numbers only',
  precision: 'At most {n} decimal places',
  min_value: 'Must not be less than {n}',
  max_value: 'Must not be greater than {n}',
  choice: 'Please choose an option from the list',
  not_option: '“{value}” is not one of the options',
  pick: 'Please choose from the list',
  list: 'Must be a list of values',
  date: 'Dates look like YYYY-MM-DD',
  time: 'Times look like HH:MM',
  datetime: 'Times look like YYYY-MM-DD HH:MM',
  date_type: 'The date or time is not valid',
  not_fillable: 'This field cannot be filled in',
  table_rows: 'A table is a list of rows',
  min_rows: 'Fill in at least {n} rows',
  max_rows: 'At most {n} rows',
  unknown_column: 'The table has no such column',
  // schema (designer)
  problem: '{field}: {message}',
  schema_fields: 'A form needs a list of fields',
  too_many_fields: 'A form has at most {n} fields',
  field_object: 'A field must be an object',
  bad_type: 'Unknown field type',
  bad_column_type: 'A table column cannot have this type',
  bad_key: 'A key starts with a lowercase letter and holds only lowercase letters, digits and underscores (40 at most)',
  duplicate_key: 'This key is used twice',
  bad_label: 'Give the field a name (60 characters at most)',
  too_long: 'At most {n} characters',
  not_number: 'Must be a number',
  min_over_max: 'The minimum is greater than the maximum',
  bad_source: 'The data source is not valid',
  no_options: 'Add at least one option',
  bad_option: 'Every option needs a value and a label',
  too_many_options: 'At most {n} options',
  duplicate_options: 'Option values must differ',
  bad_precision: 'Decimal places go from 0 to 6',
  bad_pattern: 'The regular expression is not valid',
  bad_max_files: 'The number of files goes from 1 to {n}',
  no_columns: 'A table needs at least one column',
  too_many_columns: 'A table has at most {n} columns',
  duplicate_column: 'This column key is used twice',
  bad_condition: 'The condition is not valid',
  no_rules: 'A condition needs at least one rule',
  bad_rule: 'The rule is not valid',
  later_field: 'A condition can only refer to a field that comes earlier',
  unknown_rule_field: 'The condition refers to “{field}”, which does not exist',
  section_rule: 'A condition cannot refer to a section heading',
  bad_op: 'Unknown comparison',
  in_needs_list: '“Is one of” needs a list of values',
  bad_default: 'The default is not valid: {error}',
} as const;

export type FormMessageCode = keyof typeof FORM_MESSAGES_EN;
export type FormMessageParams = Record<string, string | number>;
/** Turns a message code and its parameters into text (the apps: `t(`forms.messages.${code}`, params)`). */
export type FormMessages = (code: FormMessageCode, params: FormMessageParams) => string;

export const englishFormMessages: FormMessages = (code, params) =>
  FORM_MESSAGES_EN[code].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));

let defaultMessages: FormMessages = englishFormMessages;

/** Set the messages used when a call passes none (each app: once, over its locale files). */
export function configureFormMessages(messages: FormMessages): void {
  defaultMessages = messages;
}

// --- values -----------------------------------------------------------------------------------

/** Empty as the server sees it: undefined, null, '', [] (and an empty object). */
export function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value as object).length === 0;
}

export function isFileField(field: Pick<FormField, 'type'>): boolean {
  return FILE_FIELD_TYPES.includes(field.type);
}

/** `user`, `department`, `ci`, and a `select` with a `source`: the value is an id. */
export function isReferenceField(field: Pick<FormField, 'type' | 'source'>): boolean {
  return field.type === 'user' || field.type === 'department' || field.type === 'ci' || (field.type === 'select' && !!field.source);
}

/** Whether the value is a list: checkbox, table, and select / user / department / ci with `multiple`. */
export function isListField(field: Pick<FormField, 'type' | 'multiple'>): boolean {
  if (field.type === 'checkbox' || field.type === 'table' || isFileField(field)) return true;
  return !!field.multiple && ['select', 'user', 'department', 'ci'].includes(field.type);
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** The browser-side tidy-up of one answer: strings trimmed, empty parts dropped. */
function tidy(field: FormField, value: FieldValue): FieldValue {
  if (typeof value === 'string') {
    const text = value.trim();
    if (field.type === 'number' && text !== '' && Number.isFinite(Number(text))) return Number(text);
    return text === '' ? undefined : text;
  }
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : value;
  if (Array.isArray(value)) {
    if (field.type === 'table') {
      const rows = (value as unknown[]).flatMap((row) => {
        const cleaned = tidyRow(field, row);
        return cleaned && Object.keys(cleaned).length ? [cleaned] : [];
      });
      return rows.length ? rows : undefined;
    }
    const items = (value as unknown[]).flatMap((item) => {
      const one = typeof item === 'string' ? item.trim() : item;
      return isEmptyValue(one) ? [] : [one as Scalar];
    });
    return items.length ? items : undefined;
  }
  return isEmptyValue(value) ? undefined : value;
}

function tidyRow(table: FormField, row: unknown): TableRow | null {
  if (!row || typeof row !== 'object' || Array.isArray(row)) return null;
  const out: TableRow = {};
  for (const column of table.columns ?? []) {
    const cell = tidy(column, (row as TableRow)[column.key] as FieldValue);
    if (cell !== undefined) out[column.key] = cell as Scalar | Scalar[];
  }
  return out;
}

/** Whether a table row has nothing in it (the server skips such rows). */
export function isEmptyRow(table: FormField, row: unknown): boolean {
  const cleaned = tidyRow(table, row);
  return !cleaned || Object.keys(cleaned).length === 0;
}

/** What a field starts with: its default; a required table, its first blank rows. */
export function initialValue(field: FormField): FieldValue {
  if (field.type === 'section' || isFileField(field)) return undefined;
  if (field.default !== undefined && field.default !== null) return clone(field.default);
  if (field.type === 'table') {
    const rows = Math.max(field.min_rows ?? 0, field.required ? 1 : 0);
    return Array.from({ length: rows }, () => blankRow(field));
  }
  return undefined;
}

/** A new table row holding the columns' defaults. */
export function blankRow(table: FormField): TableRow {
  const row: TableRow = {};
  for (const column of table.columns ?? []) {
    if (column.default !== undefined && column.default !== null) row[column.key] = clone(column.default) as Scalar | Scalar[];
  }
  return row;
}

// --- the server's cleaning of one value ------------------------------------------------------

class Invalid {
  constructor(
    readonly code: FormMessageCode,
    readonly params: FormMessageParams = {},
    /** A message written in the schema (`pattern_message`), used as is. */
    readonly text?: string,
  ) {}
}

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Decimal places of a number written as text (`1.50` → 2, `1e-3` → 3). */
function decimalPlaces(text: string): number {
  const [mantissa = '', exponent = '0'] = text.toLowerCase().split('e');
  const fraction = mantissa.split('.')[1] ?? '';
  return Math.max(0, fraction.length - Number(exponent));
}

function cleanNumber(field: FormField, value: unknown): number {
  if (typeof value === 'boolean') throw new Invalid('number');
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Invalid('number');
    text = String(value);
  } else if (typeof value === 'string' && NUMBER_TEXT.test(value.trim())) {
    text = value.trim();
  } else throw new Invalid('number');
  const number = Number(text);
  const precision = field.precision ?? 0;
  // Python's Decimal holds 28 digits: a quantize beyond that fails on the server.
  if (Math.abs(number) >= 10 ** (28 - precision)) throw new Invalid('number_too_large');
  if (decimalPlaces(text) > precision && Number(number.toFixed(precision)) !== number) {
    throw precision === 0 ? new Invalid('integer') : new Invalid('precision', { n: precision });
  }
  if (field.min !== undefined && field.min !== null && number < field.min) throw new Invalid('min_value', { n: field.min });
  if (field.max !== undefined && field.max !== null && number > field.max) throw new Invalid('max_value', { n: field.max });
  return number;
}

/** The pattern as a whole-value JavaScript expression; null when JavaScript cannot read it. */
function wholeMatch(pattern: string): RegExp | null {
  for (const flags of ['u', '']) {
    try {
      return new RegExp(`^(?:${pattern})$`, flags);
    } catch {
      // try the next flags
    }
  }
  return null;
}

function cleanText(field: FormField, value: unknown, limit: number): string {
  if (!(typeof value === 'string' || typeof value === 'number')) throw new Invalid('text');
  const text = String(value).trim();
  const length = [...text].length; // characters, as Python counts them
  const low = field.min;
  const high = Math.min(field.max || limit, limit);
  if (low !== undefined && low !== null && length < low) throw new Invalid('min_length', { n: low });
  if (length > high) throw new Invalid('max_length', { n: high });
  if (field.pattern) {
    const expression = wholeMatch(field.pattern);
    if (expression && !expression.test(text)) throw new Invalid('pattern', {}, field.pattern_message || undefined);
  }
  return text;
}

function optionValues(field: FormField): string[] {
  return (field.options ?? []).map((option) => String(option.value));
}

function cleanChoice(field: FormField, value: unknown): string {
  if (!(typeof value === 'string' || typeof value === 'number')) throw new Invalid('choice');
  if (!optionValues(field).includes(String(value))) throw new Invalid('not_option', { value: String(value) });
  return String(value);
}

function cleanId(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  if (typeof value === 'string' && /^\d+$/.test(value) && Number(value) > 0) return Number(value);
  throw new Invalid('pick');
}

function listed(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new Invalid('list');
  return value;
}

const unique = <T>(values: T[]): T[] => [...new Set(values)];

function validDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function cleanMoment(field: FormField, value: unknown): string {
  if (typeof value !== 'string') throw new Invalid('date_type');
  const text = value.trim();
  const date = /^(\d{4})-(\d{2})-(\d{2})$/;
  const time = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;
  const okTime = (hh: string, mm: string, ss = '0') => Number(hh) < 24 && Number(mm) < 60 && Number(ss) < 60;
  if (field.type === 'date') {
    const m = date.exec(text);
    if (m && validDate(Number(m[1]), Number(m[2]), Number(m[3]))) return text;
    throw new Invalid('date');
  }
  if (field.type === 'time') {
    const m = time.exec(text);
    if (m && okTime(m[1] as string, m[2] as string, m[3])) return `${m[1]}:${m[2]}`;
    throw new Invalid('time');
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (m && validDate(Number(m[1]), Number(m[2]), Number(m[3])) && okTime(m[4] as string, m[5] as string, m[6])) {
    return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}`;
  }
  throw new Invalid('datetime');
}

/** formschema._clean_value: the stored form of one non-empty answer, or an {@link Invalid}. */
function cleanValue(field: FormField, value: unknown): FieldValue {
  const kind = field.type;
  if (kind === 'text') return cleanText(field, value, MAX_TEXT);
  if (kind === 'textarea') return cleanText(field, value, MAX_TEXTAREA);
  if (kind === 'number') return cleanNumber(field, value);
  if (kind === 'radio' || (kind === 'select' && !field.source)) {
    if (field.multiple && kind === 'select') return unique(listed(value).map((v) => cleanChoice(field, v)));
    return cleanChoice(field, value);
  }
  if (kind === 'checkbox') return unique(listed(value).map((v) => cleanChoice(field, v)));
  if (isReferenceField(field)) {
    if (field.multiple) return unique(listed(value).map(cleanId));
    return cleanId(value);
  }
  if (kind === 'date' || kind === 'time' || kind === 'datetime') return cleanMoment(field, value);
  throw new Invalid('not_fillable');
}

// --- conditions -------------------------------------------------------------------------------

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
}

function sameValue(left: unknown, right: unknown): boolean {
  if (typeof left === 'number' && (typeof right === 'number' || (typeof right === 'string' && NUMBER_TEXT.test(right.trim())))) {
    return left === Number(right);
  }
  return asText(left) === asText(right);
}

/** formschema._compare: one rule's operator over the referenced field's cleaned value. */
export function compareValues(op: ConditionRule['op'], left: FieldValue, right?: FieldValue): boolean {
  if (op === 'filled') return !isEmptyValue(left);
  if (op === 'empty') return isEmptyValue(left);
  if (isEmptyValue(left)) return op === 'ne' || op === 'not_in';
  if (op === 'eq' || op === 'ne') {
    const hit = Array.isArray(left) ? left.some((item) => sameValue(item, right)) : sameValue(left, right);
    return op === 'eq' ? hit : !hit;
  }
  if (op === 'in' || op === 'not_in') {
    const pool = Array.isArray(right) ? right : [];
    const members = Array.isArray(left) ? left : [left];
    const hit = members.some((member) => pool.some((candidate) => sameValue(member, candidate)));
    return op === 'in' ? hit : !hit;
  }
  let a: number | string;
  let b: number | string;
  if (typeof left === 'number') {
    const number = typeof right === 'number' ? right : typeof right === 'string' && NUMBER_TEXT.test(right.trim()) ? Number(right) : NaN;
    if (Number.isNaN(number)) return false;
    [a, b] = [left, number];
  } else {
    if (right === undefined || right === null) return false;
    [a, b] = [asText(left), asText(right)];
  }
  if (op === 'gt') return a > b;
  if (op === 'gte') return a >= b;
  if (op === 'lt') return a < b;
  if (op === 'lte') return a <= b;
  return false;
}

/** Top-level fields by key, in form order (build it once per schema). */
export type FieldIndex = ReadonlyMap<string, FormField>;

export function fieldIndex(schema: FormSchema): FieldIndex {
  const index = new Map<string, FormField>();
  for (const field of schema.fields) if (!index.has(field.key)) index.set(field.key, field);
  return index;
}

const positionCache = new WeakMap<FieldIndex, Map<string, number>>();
function positionOf(index: FieldIndex, key: string): number {
  let positions = positionCache.get(index);
  if (!positions) {
    positions = new Map([...index.keys()].map((k, i) => [k, i]));
    positionCache.set(index, positions);
  }
  return positions.get(key) ?? -1;
}

/**
 * The value a condition sees for a field: what the server has cleaned by then, i.e. the tidied
 * answer when the field is visible and valid, nothing otherwise (files are never values).
 */
function conditionValue(field: FormField, data: FormData): FieldValue {
  if (field.type === 'section' || isFileField(field)) return undefined;
  const raw = tidy(field, data[field.key]);
  if (raw === undefined) return undefined;
  if (field.type === 'table') {
    const rows = tableRows(field, raw);
    return rows.ok ? rows.rows : undefined;
  }
  try {
    return cleanValue(field, raw);
  } catch (error) {
    if (error instanceof Invalid) return undefined;
    throw error;
  }
}

function visibleIn(field: FormField, data: FormData, index: FieldIndex, memo: Map<string, boolean>): boolean {
  const condition = field.visible_when;
  if (!condition) return true;
  const cached = memo.get(field.key);
  if (cached !== undefined && index.get(field.key) === field) return cached;
  const own = positionOf(index, field.key);
  const results = (condition.rules ?? []).map((rule) => {
    const ref = index.get(rule.field);
    // Only earlier fields have been looked at when the server reaches this one.
    const earlier = ref && (own < 0 || positionOf(index, rule.field) < own) && ref !== field;
    if (!ref || !earlier) return compareValues(rule.op, undefined, rule.value);
    if (ref.type !== 'section' && !visibleIn(ref, data, index, memo)) return false;
    return compareValues(rule.op, conditionValue(ref, data), rule.value);
  });
  const visible = condition.match === 'any' ? results.some(Boolean) : results.every(Boolean);
  if (index.get(field.key) === field) memo.set(field.key, visible);
  return visible;
}

/**
 * Whether a field is shown for these answers: its `visible_when` holds, reading the answers of
 * earlier fields; a rule on a hidden field is false. Sections take conditions too (the heading
 * hides); table columns do not.
 */
export function isVisible(field: FormField, data: FormData, fieldsByKey: FieldIndex): boolean {
  return visibleIn(field, data, fieldsByKey, new Map());
}

/** The top-level fields shown for these answers, sections included, in form order. */
export function visibleFields(schema: FormSchema, data: FormData): FormField[] {
  const index = fieldIndex(schema);
  const memo = new Map<string, boolean>();
  return schema.fields.filter((field) => visibleIn(field, data, index, memo));
}

/** Keys of the shown fields that hold values (sections left out). */
export function visibleKeys(schema: FormSchema, data: FormData): Set<string> {
  return new Set(visibleFields(schema, data).flatMap((field) => (field.type === 'section' ? [] : [field.key])));
}

// --- initial data, submitted data --------------------------------------------------------------

/** The answers a new form starts with: defaults of the fields shown by them. */
export function initialData(schema: FormSchema): FormData {
  const data: FormData = {};
  for (const field of schema.fields) {
    const value = initialValue(field);
    if (value !== undefined) data[field.key] = value;
  }
  return syncVisibility(schema, data, null).data;
}

/**
 * What to submit as `form_data`: shown fields only (hidden and section fields dropped, and file
 * fields, whose files go as `form_files.<key>` parts), strings trimmed, empty values, empty table
 * rows and unknown keys or columns dropped.
 */
export function cleanData(schema: FormSchema, data: FormData): FormData {
  const visible = visibleKeys(schema, data);
  const out: FormData = {};
  for (const field of schema.fields) {
    if (field.type === 'section' || isFileField(field) || !visible.has(field.key)) continue;
    const value = tidy(field, data[field.key]);
    if (value !== undefined) out[field.key] = value;
  }
  return out;
}

/**
 * Keep hidden fields empty and give fields that (re)appear their initial value. `previous` is the
 * set of keys shown before (null the first time: every field without an answer gets its
 * default). Returns the new answers, whether they changed, and the keys shown now.
 */
export function syncVisibility(
  schema: FormSchema,
  data: FormData,
  previous: ReadonlySet<string> | null,
): { data: FormData; changed: boolean; visible: Set<string> } {
  let current = data;
  let changed = false;
  let visible = visibleKeys(schema, current);
  // Each pass can only show fields further down the form, so this ends.
  for (let pass = 0; pass <= schema.fields.length; pass += 1) {
    let next: FormData | null = null;
    for (const field of schema.fields) {
      if (field.type === 'section') continue;
      const key = field.key;
      if (!visible.has(key)) {
        if (key in current) {
          next ??= { ...current };
          delete next[key];
        }
      } else if ((previous === null || !previous.has(key)) && current[key] === undefined) {
        const value = initialValue(field);
        if (value !== undefined) {
          next ??= { ...current };
          next[key] = value;
        }
      }
    }
    if (!next) break;
    current = next;
    changed = true;
    const after = visibleKeys(schema, current);
    const same = after.size === visible.size && [...after].every((key) => visible.has(key));
    visible = after;
    if (same) break;
  }
  return { data: current, changed, visible };
}

// --- validation --------------------------------------------------------------------------------

/** A picked file, as far as validation cares. */
export interface FileLike {
  name: string;
  type?: string;
}

export interface ValidateOptions {
  /** The files picked per file / image field (sent as `form_files.<key>`). */
  files?: Readonly<Record<string, readonly FileLike[] | undefined>>;
  messages?: FormMessages;
}

function tableRows(
  field: FormField,
  raw: FieldValue,
): { ok: true; rows: TableRow[] } | { ok: false; error: Invalid } {
  if (!Array.isArray(raw) || !raw.every((row) => row && typeof row === 'object' && !Array.isArray(row))) {
    return { ok: false, error: new Invalid('table_rows') };
  }
  const rows = (raw as TableRow[]).filter((row) => Object.values(row).some((cell) => !isEmptyValue(cell)));
  const high = Math.min(field.max_rows || MAX_ROWS, MAX_ROWS);
  if (rows.length > high) return { ok: false, error: new Invalid('max_rows', { n: high }) };
  const cleaned = rows.map((row) => {
    const out: TableRow = {};
    for (const column of field.columns ?? []) {
      const cell = row[column.key];
      if (isEmptyValue(cell)) continue;
      try {
        out[column.key] = cleanValue(column, cell) as Scalar | Scalar[];
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
      }
    }
    return out;
  });
  return { ok: true, rows: cleaned };
}

/**
 * The errors the server would give for these answers (after {@link cleanData}), keyed `key` or
 * `key.<row>.<column>` — rows counted without the empty ones, as the server counts them; see
 * {@link displayErrors} to place them on the rows on screen.
 */
export function validateForm(schema: FormSchema, data: FormData, options: ValidateOptions = {}): FormErrors {
  const message = options.messages ?? defaultMessages;
  const errors: FormErrors = {};
  const fail = (path: string, problem: Invalid) => {
    (errors[path] ??= []).push(problem.text ?? message(problem.code, problem.params));
  };
  const submitted = cleanData(schema, data);
  const visible = visibleKeys(schema, data);
  for (const field of schema.fields) {
    const key = field.key;
    if (field.type === 'section' || !visible.has(key)) continue;
    if (isFileField(field)) {
      const files = options.files?.[key] ?? [];
      const limit = field.max_files || DEFAULT_MAX_FILES;
      if (field.required && !files.length) fail(key, new Invalid('file_required'));
      else if (files.length > limit) fail(key, new Invalid('max_files', { n: limit }));
      else if (field.type === 'image' && files.some((file) => file.type !== undefined && !file.type.startsWith('image/'))) {
        fail(key, new Invalid('not_image'));
      }
      continue;
    }
    const raw = submitted[key];
    if (raw === undefined) {
      if (field.required) fail(key, new Invalid('required'));
      continue;
    }
    if (field.type === 'table') {
      validateTable(field, raw, fail);
      continue;
    }
    try {
      cleanValue(field, raw);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      fail(key, error);
    }
  }
  return errors;
}

function validateTable(field: FormField, raw: FieldValue, fail: (path: string, problem: Invalid) => void): void {
  const key = field.key;
  const result = tableRows(field, raw);
  if (!result.ok) {
    fail(key, result.error);
    return;
  }
  const rows = (raw as TableRow[]).filter((row) => Object.values(row).some((cell) => !isEmptyValue(cell)));
  const low = field.min_rows || (field.required ? 1 : 0);
  if (rows.length < low) fail(key, new Invalid('min_rows', { n: low }));
  rows.forEach((row, index) => {
    for (const column of field.columns ?? []) {
      const path = `${key}.${index}.${column.key}`;
      const cell = row[column.key];
      if (isEmptyValue(cell)) {
        if (column.required) fail(path, new Invalid('required'));
        continue;
      }
      try {
        cleanValue(column, cell);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        fail(path, error);
      }
    }
  });
}

/**
 * Errors keyed by submitted rows (the server's, and {@link validateForm}'s) moved onto the rows
 * on screen, which may include empty rows the submission left out. Other keys stay as they are.
 */
export function displayErrors(schema: FormSchema, data: FormData, errors: FormErrors): FormErrors {
  const out: FormErrors = {};
  const tables = new Map(schema.fields.filter((field) => field.type === 'table').map((field) => [field.key, field]));
  for (const [path, messages] of Object.entries(errors)) {
    const match = /^([a-z][a-z0-9_]*)\.(\d+)\.(.+)$/.exec(path);
    const table = match ? tables.get(match[1] as string) : undefined;
    let target = path;
    if (match && table) {
      const rows = Array.isArray(data[table.key]) ? (data[table.key] as unknown[]) : [];
      const onScreen = rows.flatMap((row, index) => (isEmptyRow(table, row) ? [] : [index]));
      const position = onScreen[Number(match[2])];
      if (position !== undefined) target = `${table.key}.${position}.${match[3]}`;
    }
    out[target] = [...(out[target] ?? []), ...messages];
  }
  return out;
}

// --- checking a schema (designer) -------------------------------------------------------------

export interface SchemaProblem {
  /** Where, as the server keys it: `fields.3.options`, `fields.2.columns.0.key`. */
  path: string;
  /** The field's label (or key), `table / column` for a column; '' for the form itself. */
  field: string;
  message: string;
}

type Bad = (where: string, problem: Invalid) => void;

function isNumber(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value);
}

function checkField(
  spec: unknown,
  path: string,
  name: string,
  bad: (path: string, field: string, problem: Invalid) => void,
  column: boolean,
  earlier: Map<string, FormField>,
  later: Set<string>,
  sections: Set<string>,
  message: FormMessages,
): void {
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) {
    bad(path, name, new Invalid('field_object'));
    return;
  }
  const field = spec as FormField;
  const label = typeof field.label === 'string' && field.label.trim() ? field.label : typeof field.key === 'string' ? field.key : '';
  const here = column ? `${name} / ${label}` : label || name;
  const at: Bad = (where, problem) => bad(where ? `${path}.${where}` : path, here, problem);
  const kind = field.type;
  if (!FIELD_TYPES.includes(kind) || (column && !COLUMN_TYPES.includes(kind))) {
    at('type', new Invalid(column ? 'bad_column_type' : 'bad_type'));
    return;
  }
  if (typeof field.key !== 'string' || !FIELD_KEY_PATTERN.test(field.key)) at('key', new Invalid('bad_key'));
  if (typeof field.label !== 'string' || !field.label.trim() || [...field.label].length > 60) at('label', new Invalid('bad_label'));
  for (const [name2, limit] of [
    ['help', 200],
    ['placeholder', 60],
    ['unit', 12],
    ['pattern_message', 60],
  ] as const) {
    const value = field[name2];
    if (value !== undefined && value !== null && (typeof value !== 'string' || [...value].length > limit)) {
      at(name2, new Invalid('too_long', { n: limit }));
    }
  }
  for (const name2 of ['min', 'max', 'min_rows', 'max_rows'] as const) {
    const value = field[name2];
    if (value !== undefined && value !== null && !isNumber(value)) at(name2, new Invalid('not_number'));
  }
  if (isNumber(field.min) && isNumber(field.max) && (field.min as number) > (field.max as number)) at('min', new Invalid('min_over_max'));
  if (isNumber(field.min_rows) && isNumber(field.max_rows) && (field.min_rows as number) > (field.max_rows as number)) {
    at('min_rows', new Invalid('min_over_max'));
  }
  if (OPTION_FIELD_TYPES.includes(kind)) {
    const source = field.source;
    const options = field.options ?? [];
    if (source && kind === 'select') {
      if (typeof source !== 'object' || !['users', 'departments', 'cis'].includes(source.kind)) at('source', new Invalid('bad_source'));
    } else if (!Array.isArray(options) || !options.length) {
      at('options', new Invalid('no_options'));
    } else {
      const values: string[] = [];
      options.slice(0, MAX_OPTIONS + 1).forEach((option, index) => {
        const value = option && typeof option === 'object' ? String(option.value ?? '').trim() : '';
        const text = option && typeof option === 'object' ? String(option.label ?? '').trim() : '';
        if (!value || !text) at(`options.${index}`, new Invalid('bad_option'));
        else values.push(String(option.value));
      });
      if (options.length > MAX_OPTIONS) at('options', new Invalid('too_many_options', { n: MAX_OPTIONS }));
      if (new Set(values).size !== values.length) at('options', new Invalid('duplicate_options'));
    }
  }
  if (kind === 'number') {
    const precision = field.precision ?? 0;
    if (!Number.isInteger(precision) || precision < 0 || precision > 6) at('precision', new Invalid('bad_precision'));
  }
  if (field.pattern && (typeof field.pattern !== 'string' || !wholeMatch(field.pattern))) at('pattern', new Invalid('bad_pattern'));
  if (isFileField(field)) {
    const count = field.max_files ?? DEFAULT_MAX_FILES;
    if (!Number.isInteger(count) || count < 1 || count > MAX_FILES) at('max_files', new Invalid('bad_max_files', { n: MAX_FILES }));
  }
  if (kind === 'table') {
    const columns = field.columns;
    if (!Array.isArray(columns) || !columns.length) at('columns', new Invalid('no_columns'));
    else if (columns.length > MAX_COLUMNS) at('columns', new Invalid('too_many_columns', { n: MAX_COLUMNS }));
    else {
      const seen = new Set<string>();
      columns.forEach((columnSpec, index) => {
        checkField(columnSpec, `${path}.columns.${index}`, label, bad, true, new Map(), new Set(), new Set(), message);
        const columnKey = columnSpec && typeof columnSpec === 'object' ? String(columnSpec.key) : '';
        if (seen.has(columnKey)) at(`columns.${index}.key`, new Invalid('duplicate_column'));
        seen.add(columnKey);
      });
    }
  }
  if (field.visible_when && !column) checkCondition(field, earlier, later, sections, at);
  if (!isEmptyValue(field.default) && !isFileField(field)) {
    try {
      if (kind === 'table' || kind === 'section') throw new Invalid('not_fillable');
      cleanValue(field, field.default);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      at('default', new Invalid('bad_default', { error: error.text ?? message(error.code, error.params) }));
    }
  }
}

function checkCondition(field: FormField, earlier: Map<string, FormField>, later: Set<string>, sections: Set<string>, at: Bad): void {
  const condition = field.visible_when as unknown;
  if (!condition || typeof condition !== 'object' || !['all', 'any', undefined].includes((condition as { match?: string }).match)) {
    at('visible_when', new Invalid('bad_condition'));
    return;
  }
  const rules = (condition as { rules?: unknown }).rules;
  if (!Array.isArray(rules) || !rules.length) {
    at('visible_when', new Invalid('no_rules'));
    return;
  }
  rules.forEach((rule: unknown, index) => {
    const where = `visible_when.rules.${index}`;
    if (!rule || typeof rule !== 'object') {
      at(where, new Invalid('bad_rule'));
      return;
    }
    const { field: ref, op, value } = rule as ConditionRule;
    if (!earlier.has(ref)) {
      let problem = new Invalid('unknown_rule_field', { field: String(ref ?? '') });
      if (later.has(ref) || ref === field.key) problem = new Invalid('later_field');
      else if (sections.has(ref)) problem = new Invalid('section_rule');
      at(`${where}.field`, problem);
    }
    if (!CONDITION_OPS.includes(op)) at(`${where}.op`, new Invalid('bad_op'));
    else if ((op === 'in' || op === 'not_in') && !Array.isArray(value)) at(`${where}.value`, new Invalid('in_needs_list'));
  });
}

/** Every problem of a schema, keyed by path like the server's `schema` errors. */
export function schemaProblems(schema: FormSchema, messages?: FormMessages): SchemaProblem[] {
  const message = messages ?? defaultMessages;
  const problems: SchemaProblem[] = [];
  const bad = (path: string, field: string, problem: Invalid) =>
    problems.push({ path, field, message: problem.text ?? message(problem.code, problem.params) });
  if (!schema || typeof schema !== 'object' || !Array.isArray(schema.fields)) {
    bad('', '', new Invalid('schema_fields'));
    return problems;
  }
  if (schema.fields.length > MAX_FIELDS) {
    bad('fields', '', new Invalid('too_many_fields', { n: MAX_FIELDS }));
    return problems;
  }
  const earlier = new Map<string, FormField>();
  const isSpec = (spec: unknown): spec is FormField => !!spec && typeof spec === 'object' && !Array.isArray(spec);
  const all = new Set(schema.fields.flatMap((spec) => (isSpec(spec) && spec.type !== 'section' ? [spec.key] : [])));
  const sections = new Set(schema.fields.flatMap((spec) => (isSpec(spec) && spec.type === 'section' ? [spec.key] : [])));
  const seen = new Set<string>();
  schema.fields.forEach((spec, index) => {
    const later = new Set([...all].filter((key) => !earlier.has(key)));
    checkField(spec, `fields.${index}`, `#${index + 1}`, bad, false, earlier, later, sections, message);
    if (isSpec(spec) && typeof spec.key === 'string') {
      // Unique in the whole form, headings included (docs/catalog.md).
      if (seen.has(spec.key)) bad(`fields.${index}.key`, spec.label || spec.key, new Invalid('duplicate_key'));
      seen.add(spec.key);
      if (spec.type !== 'section') earlier.set(spec.key, spec);
    }
  });
  return problems;
}

/** The problems of a schema as sentences for the designer (`<field>: <problem>`, in the words of `messages`); empty when it is fine. */
export function checkSchema(schema: FormSchema, messages?: FormMessages): string[] {
  const message = messages ?? defaultMessages;
  return schemaProblems(schema, message).map((problem) =>
    problem.field ? message('problem', { field: problem.field, message: problem.message }) : problem.message,
  );
}
