import { describe, expect, it } from 'vitest';

import {
  checkSchema,
  cleanData,
  compareValues,
  displayErrors,
  englishFormMessages,
  fieldIndex,
  initialData,
  isVisible,
  schemaProblems,
  syncVisibility,
  validateForm,
  visibleFields,
  type FormData,
  type FormField,
  type FormMessages,
  type FormSchema,
} from '../src';

/** Messages as codes, so the tests read which rule failed. */
const codes: FormMessages = (code, params) => (Object.keys(params).length ? `${code}(${Object.values(params).join(',')})` : code);
const check = (schema: FormSchema, data: Record<string, unknown>, files = {}) =>
  validateForm(schema, data as never, { messages: codes, files });

const VPN: FormSchema = {
  fields: [
    { key: 'need_vpn', type: 'radio', label: 'VPN', options: [{ value: 'yes', label: 'Y' }, { value: 'no', label: 'N' }] },
    { key: 'vpn_reason', type: 'text', label: 'Why', required: true, visible_when: { match: 'all', rules: [{ field: 'need_vpn', op: 'eq', value: 'yes' }] } },
    { key: 'vpn_until', type: 'date', label: 'Until', visible_when: { match: 'all', rules: [{ field: 'vpn_reason', op: 'filled' }] } },
  ],
};

describe('conditions: each operator', () => {
  it('eq / ne on values and on lists (contains / does not contain)', () => {
    expect(compareValues('eq', 'yes', 'yes')).toBe(true);
    expect(compareValues('eq', 'no', 'yes')).toBe(false);
    expect(compareValues('ne', 'no', 'yes')).toBe(true);
    expect(compareValues('ne', 'yes', 'yes')).toBe(false);
    expect(compareValues('eq', ['a', 'b'], 'b')).toBe(true);
    expect(compareValues('eq', ['a'], 'b')).toBe(false);
    expect(compareValues('ne', ['a', 'b'], 'b')).toBe(false);
    expect(compareValues('ne', ['a'], 'b')).toBe(true);
    expect(compareValues('eq', 5, '5')).toBe(true);
    expect(compareValues('eq', [3, 7], 7)).toBe(true);
  });

  it('an empty answer: ne and not_in hold, the others do not', () => {
    for (const empty of [undefined, null, '', []]) {
      expect(compareValues('ne', empty, 'x')).toBe(true);
      expect(compareValues('not_in', empty, ['x'])).toBe(true);
      expect(compareValues('eq', empty, 'x')).toBe(false);
      expect(compareValues('in', empty, ['x'])).toBe(false);
      expect(compareValues('gt', empty, 1)).toBe(false);
    }
  });

  it('in / not_in against a list (a list answer: any member)', () => {
    expect(compareValues('in', 'his', ['his', 'lis'])).toBe(true);
    expect(compareValues('in', 'pacs', ['his', 'lis'])).toBe(false);
    expect(compareValues('not_in', 'pacs', ['his', 'lis'])).toBe(true);
    expect(compareValues('not_in', 'his', ['his'])).toBe(false);
    expect(compareValues('in', ['pacs', 'lis'], ['his', 'lis'])).toBe(true);
    expect(compareValues('in', 'his', 'his')).toBe(false); // not a list: nothing is in it
  });

  it('gt / gte / lt / lte on numbers and on dates and times as text', () => {
    expect(compareValues('gt', 10, 5)).toBe(true);
    expect(compareValues('gt', 5, 5)).toBe(false);
    expect(compareValues('gte', 5, 5)).toBe(true);
    expect(compareValues('lt', 2, 10)).toBe(true); // numerically, not as text
    expect(compareValues('lte', 10, 10)).toBe(true);
    expect(compareValues('gt', 10, '5')).toBe(true);
    expect(compareValues('gt', 10, 'x')).toBe(false);
    expect(compareValues('gt', '2026-03-02', '2026-03-01')).toBe(true);
    expect(compareValues('lt', '2026-03-02T08:00', '2026-03-02T09:30')).toBe(true);
    expect(compareValues('gte', '08:00', '08:00')).toBe(true);
    expect(compareValues('lte', '18:00', '08:00')).toBe(false);
  });

  it('filled / empty: undefined, null, "" and [] are empty', () => {
    for (const empty of [undefined, null, '', []]) {
      expect(compareValues('empty', empty)).toBe(true);
      expect(compareValues('filled', empty)).toBe(false);
    }
    expect(compareValues('filled', 0)).toBe(true);
    expect(compareValues('filled', ['a'])).toBe(true);
  });
});

describe('visibility', () => {
  const index = fieldIndex(VPN);
  const [, reason, until] = VPN.fields as [FormField, FormField, FormField];

  it('follows the answers of earlier fields', () => {
    expect(isVisible(reason, { need_vpn: 'yes' }, index)).toBe(true);
    expect(isVisible(reason, { need_vpn: 'no' }, index)).toBe(false);
    expect(visibleFields(VPN, { need_vpn: 'yes', vpn_reason: 'remote' }).map((f) => f.key)).toEqual(['need_vpn', 'vpn_reason', 'vpn_until']);
  });

  it('a rule on a hidden field is false, whatever that field holds', () => {
    expect(isVisible(until, { need_vpn: 'no', vpn_reason: 'left over' }, index)).toBe(false);
    const onHidden: FormSchema = {
      fields: [
        ...VPN.fields.slice(0, 2),
        { key: 'note', type: 'text', label: 'n', visible_when: { match: 'all', rules: [{ field: 'vpn_reason', op: 'empty' }] } },
      ],
    };
    expect(visibleFields(onHidden, { need_vpn: 'no' }).map((f) => f.key)).toEqual(['need_vpn']);
  });

  it('match any / all', () => {
    const schema: FormSchema = {
      fields: [
        { key: 'a', type: 'number', label: 'a' },
        { key: 'b', type: 'text', label: 'b' },
        { key: 'any', type: 'text', label: 'x', visible_when: { match: 'any', rules: [{ field: 'a', op: 'gt', value: 5 }, { field: 'b', op: 'eq', value: 'go' }] } },
        { key: 'all', type: 'text', label: 'y', visible_when: { match: 'all', rules: [{ field: 'a', op: 'gt', value: 5 }, { field: 'b', op: 'eq', value: 'go' }] } },
      ],
    };
    expect(visibleFields(schema, { a: 6 }).map((f) => f.key)).toEqual(['a', 'b', 'any']);
    expect(visibleFields(schema, { a: 6, b: ' go ' }).map((f) => f.key)).toEqual(['a', 'b', 'any', 'all']);
    expect(visibleFields(schema, { a: 1 }).map((f) => f.key)).toEqual(['a', 'b']);
  });

  it('reads answers as the server will: trimmed, and an invalid one as no answer', () => {
    const schema: FormSchema = {
      fields: [
        { key: 'gb', type: 'number', label: 'GB', max: 100 },
        { key: 'why', type: 'text', label: 'why', visible_when: { match: 'all', rules: [{ field: 'gb', op: 'filled' }] } },
      ],
    };
    expect(visibleFields(schema, { gb: 50 }).map((f) => f.key)).toContain('why');
    expect(visibleFields(schema, { gb: 500 }).map((f) => f.key)).not.toContain('why');
    expect(visibleFields(VPN, { need_vpn: 'yes', vpn_reason: '   ' }).map((f) => f.key)).not.toContain('vpn_until');
  });

  it('a rule on a later field sees no answer', () => {
    const schema: FormSchema = {
      fields: [
        { key: 'early', type: 'text', label: 'e', visible_when: { match: 'all', rules: [{ field: 'late', op: 'filled' }] } },
        { key: 'late', type: 'text', label: 'l' },
      ],
    };
    expect(visibleFields(schema, { late: 'x' }).map((f) => f.key)).toEqual(['late']);
  });
});

describe('initial data, cleaning and hidden fields', () => {
  const schema: FormSchema = {
    fields: [
      { key: 'intro', type: 'section', label: 'Intro' },
      { key: 'need_vpn', type: 'radio', label: 'VPN', default: 'no', options: [{ value: 'yes', label: 'Y' }, { value: 'no', label: 'N' }] },
      { key: 'vpn_reason', type: 'text', label: 'Why', default: 'work', visible_when: { match: 'all', rules: [{ field: 'need_vpn', op: 'eq', value: 'yes' }] } },
      { key: 'tags', type: 'checkbox', label: 'Tags', options: [{ value: 'a', label: 'A' }] },
      { key: 'photo', type: 'image', label: 'Photo' },
      { key: 'items', type: 'table', label: 'Items', required: true, min_rows: 2, columns: [{ key: 'name', type: 'text', label: 'Name' }, { key: 'qty', type: 'number', label: 'Qty', default: 1 }] },
    ],
  };

  it('starts with the defaults of shown fields and the first rows of a required table', () => {
    expect(initialData(schema)).toEqual({ need_vpn: 'no', items: [{ qty: 1 }, { qty: 1 }] });
  });

  it('drops hidden, section and file fields, trims, drops empty values, rows and unknown keys', () => {
    const data: FormData = {
      intro: 'x',
      need_vpn: 'no',
      vpn_reason: 'left over',
      tags: [],
      photo: [3],
      items: [{ name: ' disk ', qty: 2, extra: 'x' }, { name: '  ' }, {}],
      ghost: 1,
    };
    expect(cleanData(schema, data)).toEqual({ need_vpn: 'no', items: [{ name: 'disk', qty: 2 }] });
    expect(cleanData(schema, { ...data, need_vpn: 'yes', vpn_reason: '  remote  ' })).toMatchObject({ vpn_reason: 'remote' });
  });

  it('empties a field as it hides and gives it its default back as it shows again', () => {
    const shown = new Set(['need_vpn', 'vpn_reason', 'tags', 'photo', 'items']);
    const hidden = syncVisibility(schema, { need_vpn: 'no', vpn_reason: 'typed' }, shown);
    expect(hidden.changed).toBe(true);
    expect(hidden.data).not.toHaveProperty('vpn_reason');
    const back = syncVisibility(schema, { ...hidden.data, need_vpn: 'yes' }, hidden.visible);
    expect(back.data.vpn_reason).toBe('work');
    const still = syncVisibility(schema, back.data, back.visible);
    expect(still.changed).toBe(false);
  });

  it('hidden required fields are not asked for', () => {
    expect(check(VPN, { need_vpn: 'no' })).toEqual({});
    expect(check(VPN, { need_vpn: 'yes' })).toEqual({ vpn_reason: ['required'] });
    expect(check(VPN, { need_vpn: 'no', vpn_reason: '' })).toEqual({});
  });
});

describe('validateForm mirrors the server', () => {
  it('numbers: range, precision, type', () => {
    const schema: FormSchema = { fields: [{ key: 'n', type: 'number', label: 'n', min: 1, max: 10, precision: 1 }] };
    expect(check(schema, { n: 0 })).toEqual({ n: ['min_value(1)'] });
    expect(check(schema, { n: 11 })).toEqual({ n: ['max_value(10)'] });
    expect(check(schema, { n: 1.25 })).toEqual({ n: ['precision(1)'] });
    expect(check(schema, { n: 2.5 })).toEqual({});
    expect(check(schema, { n: 'abc' })).toEqual({ n: ['number'] });
    expect(check({ fields: [{ key: 'n', type: 'number', label: 'n' }] }, { n: 2.5 })).toEqual({ n: ['integer'] });
  });

  it('text: length and pattern (with its message)', () => {
    const schema: FormSchema = {
      fields: [
        { key: 'no', type: 'text', label: 'No', pattern: '\\d{6}', pattern_message: '请输入6位工号' },
        { key: 'why', type: 'textarea', label: 'Why', min: 5, max: 8 },
      ],
    };
    expect(check(schema, { no: '12345', why: 'abc' })).toEqual({ no: ['请输入6位工号'], why: ['min_length(5)'] });
    expect(check(schema, { no: '123456', why: '一二三四五六七八九' })).toEqual({ why: ['max_length(8)'] });
    expect(check(schema, { no: ' 123456 ', why: '一二三四五' })).toEqual({});
  });

  it('options, lists, ids, dates and times', () => {
    const schema: FormSchema = {
      fields: [
        { key: 'sys', type: 'select', label: 's', options: [{ value: 'his', label: 'HIS' }] },
        { key: 'many', type: 'checkbox', label: 'm', options: [{ value: 'a', label: 'A' }] },
        { key: 'who', type: 'user', label: 'w' },
        { key: 'cis', type: 'ci', label: 'c', multiple: true },
        { key: 'owner', type: 'select', label: 'o', source: { kind: 'users' } },
        { key: 'day', type: 'date', label: 'd' },
        { key: 'at', type: 'time', label: 't' },
        { key: 'when', type: 'datetime', label: 'w' },
      ],
    };
    expect(
      check(schema, { sys: 'pacs', many: 'a', who: 'bob', cis: 3, owner: 0, day: '2026-02-30', at: '25:00', when: '2026-03-02 8:00' }),
    ).toEqual({
      sys: ['not_option(pacs)'],
      many: ['list'],
      who: ['pick'],
      cis: ['list'],
      owner: ['pick'],
      day: ['date'],
      at: ['time'],
      when: ['datetime'],
    });
    expect(check(schema, { sys: 'his', many: ['a'], who: 7, cis: [3, 4], owner: '12', day: '2026-03-02', at: '08:30', when: '2026-03-02T08:00' })).toEqual({});
  });

  it('files: required, at most max_files, images only for an image field', () => {
    const schema: FormSchema = {
      fields: [
        { key: 'scan', type: 'file', label: 's', required: true, max_files: 1 },
        { key: 'photo', type: 'image', label: 'p' },
      ],
    };
    expect(check(schema, {})).toEqual({ scan: ['file_required'] });
    const pdf = { name: 'a.pdf', type: 'application/pdf' };
    expect(check(schema, {}, { scan: [pdf, pdf], photo: [pdf] })).toEqual({ scan: ['max_files(1)'], photo: ['not_image'] });
    expect(check(schema, {}, { scan: [pdf], photo: [{ name: 'a.jpg', type: 'image/jpeg' }] })).toEqual({});
  });

  it('tables: row counts and cell errors keyed key.<row>.<column>, rows counted as submitted', () => {
    const schema: FormSchema = {
      fields: [
        {
          key: 'items',
          type: 'table',
          label: 'Items',
          min_rows: 2,
          max_rows: 3,
          columns: [
            { key: 'name', type: 'text', label: 'Name', required: true },
            { key: 'qty', type: 'number', label: 'Qty', min: 1 },
          ],
        },
      ],
    };
    const data: FormData = { items: [{ name: 'disk', qty: 1 }, {}, { qty: 0 }] };
    const errors = check(schema, data);
    expect(errors).toEqual({ 'items.1.name': ['required'], 'items.1.qty': ['min_value(1)'] });
    // On screen the blank row stays, so the second submitted row is the third one shown.
    expect(displayErrors(schema, data, { ...errors, other: ['x'] })).toEqual({
      'items.2.name': ['required'],
      'items.2.qty': ['min_value(1)'],
      other: ['x'],
    });
    expect(check(schema, { items: [{ name: 'a' }, {}] })).toEqual({ items: ['min_rows(2)'] });
    expect(check(schema, { items: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }] })).toEqual({ items: ['max_rows(3)'] });
    expect(check({ fields: [{ ...(schema.fields[0] as FormField), required: true, min_rows: null }] }, { items: [{}] })).toEqual({
      items: ['required'],
    });
  });

  it('speaks English without a translation', () => {
    const errors = validateForm({ fields: [{ key: 'n', type: 'number', label: 'n', min: 3 }] }, { n: 1 });
    expect(errors).toEqual({ n: ['Must not be less than 3'] });
    expect(englishFormMessages('max_files', { n: 2 })).toBe('Upload at most 2 files');
  });
});

describe('checkSchema (designer)', () => {
  const paths = (schema: FormSchema) => schemaProblems(schema, codes).map((p) => `${p.path}: ${p.message}`);

  it('accepts a good form', () => {
    expect(checkSchema(VPN, codes)).toEqual([]);
  });

  it('duplicate keys and bad key formats', () => {
    expect(
      paths({
        fields: [
          { key: 'a', type: 'text', label: 'A' },
          { key: 'a', type: 'text', label: 'A2' },
          { key: 'Bad-Key', type: 'text', label: 'B' },
          { key: '9x', type: 'text', label: 'C' },
        ],
      }),
    ).toEqual(['fields.1.key: duplicate_key', 'fields.2.key: bad_key', 'fields.3.key: bad_key']);
  });

  it('conditions on later, unknown or own fields, bad operators, in without a list', () => {
    expect(
      paths({
        fields: [
          { key: 'a', type: 'text', label: 'A', visible_when: { match: 'all', rules: [{ field: 'b', op: 'filled' }] } },
          { key: 'b', type: 'text', label: 'B', visible_when: { match: 'all', rules: [{ field: 'ghost', op: 'filled' }] } },
          { key: 'c', type: 'text', label: 'C', visible_when: { match: 'any', rules: [{ field: 'c', op: 'filled' }] } },
          { key: 'd', type: 'text', label: 'D', visible_when: { match: 'all', rules: [{ field: 'a', op: 'like' as never }, { field: 'a', op: 'in', value: 'x' }] } },
          { key: 'e', type: 'text', label: 'E', visible_when: { match: 'all', rules: [] } },
        ],
      }),
    ).toEqual([
      'fields.0.visible_when.rules.0.field: later_field',
      'fields.1.visible_when.rules.0.field: unknown_rule_field(ghost)',
      'fields.2.visible_when.rules.0.field: later_field',
      'fields.3.visible_when.rules.0.op: bad_op',
      'fields.3.visible_when.rules.1.value: in_needs_list',
      'fields.4.visible_when: no_rules',
    ]);
  });

  it('choices need options or (select only) a source', () => {
    expect(
      paths({
        fields: [
          { key: 'a', type: 'select', label: 'A' },
          { key: 'b', type: 'radio', label: 'B', options: [] },
          { key: 'c', type: 'checkbox', label: 'C', source: { kind: 'users' } },
          { key: 'd', type: 'select', label: 'D', source: { kind: 'cis', ci_class: 'application' } },
          { key: 'e', type: 'radio', label: 'E', options: [{ value: 'x', label: 'X' }, { value: 'x', label: 'Y' }, { value: '', label: 'Z' }] },
        ],
      }),
    ).toEqual(['fields.0.options: no_options', 'fields.1.options: no_options', 'fields.2.options: no_options', 'fields.4.options.2: bad_option', 'fields.4.options: duplicate_options']);
  });

  it('tables need columns of allowed types with unique keys', () => {
    expect(
      paths({
        fields: [
          { key: 't1', type: 'table', label: 'T1' },
          {
            key: 't2',
            type: 'table',
            label: 'T2',
            columns: [
              { key: 'f', type: 'file', label: 'F' },
              { key: 'x', type: 'text', label: 'X' },
              { key: 'x', type: 'number', label: 'Y' },
              { key: 's', type: 'section', label: 'S' },
            ],
          },
        ],
      }),
    ).toEqual(['fields.0.columns: no_columns', 'fields.1.columns.0.type: bad_column_type', 'fields.1.columns.2.key: duplicate_column', 'fields.1.columns.3.type: bad_column_type']);
  });

  it('limits, precision, files, patterns and defaults', () => {
    expect(
      paths({
        fields: [
          { key: 'n', type: 'number', label: 'N', precision: 9, min: 5, max: 1, default: 0 },
          { key: 'f', type: 'file', label: 'F', max_files: 11 },
          { key: 't', type: 'text', label: 'T', pattern: '(' },
          { key: '', type: 'wat' as never, label: '' },
        ],
      }),
    ).toEqual([
      'fields.0.min: min_over_max',
      'fields.0.precision: bad_precision',
      'fields.0.default: bad_default(min_value(5))',
      'fields.1.max_files: bad_max_files(10)',
      'fields.2.pattern: bad_pattern',
      'fields.3.type: bad_type',
    ]);
  });

  it('names the field in each sentence', () => {
    expect(checkSchema({ fields: [{ key: 'a', type: 'select', label: '系统' }] }, codes)).toEqual(['problem(系统,no_options)']);
  });
});
