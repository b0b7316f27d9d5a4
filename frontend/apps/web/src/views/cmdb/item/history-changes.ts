/**
 * A change log row of a CI as "field: before → after" lines. The snapshots hold raw column
 * values (`owner_department_id`, `status` codes, the `attributes` object); the caller's context
 * turns keys and values into labels, so this stays a pure, testable function.
 */
import type { CiChange } from '@hitsm/api';

export interface FieldChange {
  key: string;
  label: string;
  before: string;
  after: string;
}

export interface ChangeContext {
  /** Label of a snapshot key (`name`, `owner_department_id`, …). */
  fieldLabel: (key: string) => string;
  /** Label of an attribute code of the item's class. */
  attributeLabel: (code: string) => string;
  /** A value as text, given its key (`status`, `owner_department_id`, `attributes.<code>`, …). */
  formatValue: (key: string, value: unknown) => string;
}

/** Keys that change with every save or say nothing to a reader. */
const HIDDEN = new Set(['id', 'created_at', 'updated_at']);

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** On a create or delete row, values that were never set are left out. */
function unset(value: unknown): boolean {
  return value === null || value === undefined || value === '' || value === false || (typeof value === 'object' && !Object.keys(value as object).length);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

export function describeChanges(change: Pick<CiChange, 'action' | 'changed_fields' | 'before' | 'after'>, ctx: ChangeContext): FieldChange[] {
  const before = change.before ?? {};
  const after = change.after ?? {};
  const keys = change.action === 'update' ? change.changed_fields : Object.keys(change.action === 'create' ? after : before);
  const lines: FieldChange[] = [];
  for (const key of keys) {
    if (HIDDEN.has(key)) continue;
    if (key === 'attributes') {
      const old = record(before.attributes);
      const now = record(after.attributes);
      const codes = [...new Set([...Object.keys(old), ...Object.keys(now)])].sort();
      for (const code of codes) {
        if (change.action === 'update' && same(old[code], now[code])) continue;
        const field = `attributes.${code}`;
        lines.push({
          key: field,
          label: ctx.attributeLabel(code),
          before: ctx.formatValue(field, old[code]),
          after: ctx.formatValue(field, now[code]),
        });
      }
      continue;
    }
    if (change.action !== 'update' && unset(change.action === 'create' ? after[key] : before[key])) continue;
    lines.push({
      key,
      label: ctx.fieldLabel(key),
      before: ctx.formatValue(key, before[key]),
      after: ctx.formatValue(key, after[key]),
    });
  }
  return lines;
}
