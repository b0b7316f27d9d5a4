/**
 * The catalog form schema (docs/catalog.md): one JSON read by the designer, the web renderer
 * (Element Plus), the H5 renderer (Vant) and the server's validator
 * (backend/hitsm/catalog/formschema.py). Change the three together.
 */

export const FIELD_TYPES = [
  'section',
  'text',
  'textarea',
  'number',
  'select',
  'radio',
  'checkbox',
  'date',
  'time',
  'datetime',
  'user',
  'department',
  'ci',
  'file',
  'image',
  'table',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Types a table column may have. */
export const COLUMN_TYPES: readonly FieldType[] = [
  'text',
  'textarea',
  'number',
  'select',
  'radio',
  'checkbox',
  'date',
  'time',
  'datetime',
  'user',
  'department',
  'ci',
];

export const CONDITION_OPS = [
  'eq',
  'ne',
  'in',
  'not_in',
  'gt',
  'gte',
  'lt',
  'lte',
  'filled',
  'empty',
] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

export interface FieldOption {
  value: string;
  label: string;
}

export type FieldSource =
  | { kind: 'users' }
  | { kind: 'departments' }
  | { kind: 'cis'; ci_class?: string };

export interface ConditionRule {
  field: string;
  op: ConditionOp;
  value?: FieldValue;
}

export interface VisibleWhen {
  match: 'all' | 'any';
  rules: ConditionRule[];
}

export interface FormField {
  key: string;
  type: FieldType;
  label: string;
  help?: string;
  placeholder?: string;
  required?: boolean;
  default?: FieldValue;
  options?: FieldOption[];
  source?: FieldSource | null;
  multiple?: boolean;
  unit?: string;
  min?: number | null;
  max?: number | null;
  precision?: number;
  pattern?: string;
  pattern_message?: string;
  max_files?: number;
  columns?: FormField[];
  min_rows?: number | null;
  max_rows?: number | null;
  visible_when?: VisibleWhen | null;
}

export interface FormSchema {
  fields: FormField[];
}

export type Scalar = string | number | boolean | null;
export type TableRow = Record<string, Scalar | Scalar[]>;
export type FieldValue = Scalar | Scalar[] | TableRow[] | undefined;
export type FormData = Record<string, FieldValue>;

/** Field errors keyed like the server's: `key`, or `key.<row>.<column>` for table cells. */
export type FormErrors = Record<string, string[]>;

/**
 * What the server returns for a submitted ticket (`form_display` on the ticket detail): every
 * visible field with its value already turned into text (ids resolved to names), so the agent's
 * page and the H5 page only lay it out.
 */
export interface FormDisplayField {
  key: string;
  label: string;
  type: FieldType;
  /** The value as text (options by label, people/departments/CIs by name, units appended). */
  text: string;
  /** file / image: the ticket's attachment ids. */
  attachments?: number[];
  /** table: column labels and each row's cells as text. */
  table?: { columns: { key: string; label: string }[]; rows: string[][] };
}

// --- limits shared with backend/hitsm/catalog/formschema.py ---------------------------------

/** `key` of a field or a column. */
export const FIELD_KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
export const MAX_FIELDS = 80;
export const MAX_OPTIONS = 200;
export const MAX_COLUMNS = 12;
/** Rows a table holds at most (also when `max_rows` says more). */
export const MAX_ROWS = 200;
/** Characters a `text` answer holds at most (also when `max` says more). */
export const MAX_TEXT = 500;
/** Characters a `textarea` answer holds at most (also when `max` says more). */
export const MAX_TEXTAREA = 5000;
export const MAX_FILES = 10;
export const DEFAULT_MAX_FILES = 3;
/** Types whose answers are uploaded files (`form_files.<key>`), never values in `form_data`. */
export const FILE_FIELD_TYPES: readonly FieldType[] = ['file', 'image'];
/** Types that choose from `options` (a `select` may use `source` instead). */
export const OPTION_FIELD_TYPES: readonly FieldType[] = ['select', 'radio', 'checkbox'];
