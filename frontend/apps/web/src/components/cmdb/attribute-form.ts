/**
 * The class-specific part of the CI form, as plain functions: stored values → form model,
 * form model → request body, required checks, and the server's `attributes.<code>` errors sorted
 * to the fields that show them. The server stays the judge of every value (attributes.py).
 */
import type { CiAttribute, CiAttributeValues, FieldErrors } from '@hitsm/api';

/** What an attribute input edits: text for most types, a number, a yes/no, or nothing yet. */
export type AttributeValue = string | number | boolean | null;
export type AttributeModel = Record<string, AttributeValue>;

function isBlank(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

/** The form's starting value for one attribute from what the server stored. */
export function attributeInitial(attribute: Pick<CiAttribute, 'type'>, stored: unknown): AttributeValue {
  if (isBlank(stored)) return attribute.type === 'integer' || attribute.type === 'boolean' ? null : '';
  switch (attribute.type) {
    case 'integer': {
      const number = typeof stored === 'number' ? stored : Number(stored);
      return Number.isFinite(number) ? number : null;
    }
    case 'boolean':
      return typeof stored === 'boolean' ? stored : stored === 'true' ? true : stored === 'false' ? false : null;
    default:
      return String(stored);
  }
}

export function attributeModel(attributes: readonly CiAttribute[], stored: CiAttributeValues | null | undefined): AttributeModel {
  return Object.fromEntries(attributes.map((a) => [a.code, attributeInitial(a, stored?.[a.code])]));
}

/**
 * The `attributes` object to send: only this class's codes, blanks left out (the server treats a
 * missing value as empty), text trimmed. The server replaces the whole set on every save.
 */
export function attributePayload(attributes: readonly CiAttribute[], model: AttributeModel): CiAttributeValues {
  const out: CiAttributeValues = {};
  for (const attribute of attributes) {
    const value = model[attribute.code];
    if (isBlank(value)) continue;
    out[attribute.code] = typeof value === 'string' ? value.trim() : value;
  }
  return out;
}

/** Required attributes left blank, each with `message` (checked before the round trip). */
export function missingRequired(
  attributes: readonly CiAttribute[],
  model: AttributeModel,
  message: string,
): Record<string, string> {
  return Object.fromEntries(
    attributes.filter((a) => a.required && isBlank(model[a.code])).map((a) => [a.code, message]),
  );
}

export interface ItemErrors {
  /** First message per common form field (`code`, `name`, …). */
  common: Record<string, string>;
  /** Messages per attribute code, from `attributes.<code>`. */
  attributes: Record<string, string>;
  /** Messages about fields the form does not show (e.g. a code the class no longer has). */
  other: string[];
}

/** Sort the API's field errors into common fields, attribute fields and the rest. */
export function splitItemErrors(
  fields: FieldErrors,
  shown: readonly string[],
  attributeCodes: readonly string[],
): ItemErrors {
  const result: ItemErrors = { common: {}, attributes: {}, other: [] };
  for (const [key, messages] of Object.entries(fields)) {
    const text = messages.join(' ');
    if (!text) continue;
    if (key.startsWith('attributes.')) {
      const code = key.slice('attributes.'.length);
      if (attributeCodes.includes(code)) result.attributes[code] = text;
      else result.other.push(`${code}: ${text}`);
      continue;
    }
    const field = key.split('.')[0] ?? key;
    if (shown.includes(field)) result.common[field] = result.common[field] ? `${result.common[field]} ${text}` : text;
    else result.other.push(text);
  }
  return result;
}

/** One stored value as text for the detail page and the history (`yes`/`no` are translated labels). */
export function formatAttributeValue(value: unknown, labels: { yes: string; no: string; none: string }): string {
  if (isBlank(value)) return labels.none;
  if (typeof value === 'boolean') return value ? labels.yes : labels.no;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
