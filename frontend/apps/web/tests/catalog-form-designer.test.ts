import { FIELD_TYPES, schemaProblems, type FormField, type FormSchema } from '@hitsm/api';
import { describe, expect, it } from 'vitest';

import {
  adaptRule,
  addColumn,
  addOption,
  addRule,
  adoptColumn,
  allKeys,
  appendField,
  canonicalJson,
  conditionCandidates,
  createField,
  deleteColumn,
  deleteField,
  duplicateColumn,
  duplicateField,
  editableSchema,
  fitDefault,
  insertField,
  keyProblem,
  moveColumn,
  moveField,
  newRule,
  nextKey,
  nextOptionValue,
  operatorArity,
  operatorsFor,
  PALETTE_GROUPS,
  placeProblems,
  problemKeys,
  problemMap,
  removeRule,
  renameColumn,
  renameField,
  sameSchema,
  tidySchema,
  updateColumn,
  updateField,
} from '@/views/catalog-admin/forms/designer';

const text = { label: 'Label', option: (n: number) => `Option ${n}`, column: 'Column' };

function field(key: string, type: FormField['type'] = 'text', extra: Partial<FormField> = {}): FormField {
  return { key, type, label: key, ...extra };
}

const keys = (schema: FormSchema) => schema.fields.map((f) => f.key);

describe('palette', () => {
  it('offers every field type exactly once', () => {
    const types = PALETTE_GROUPS.flatMap((group) => group.types);
    expect([...types].sort()).toEqual([...FIELD_TYPES].sort());
    expect(PALETTE_GROUPS.map((group) => group.key)).toEqual(['basic', 'choice', 'people', 'attachment', 'layout']);
  });
});

describe('keys', () => {
  it('generates field_N one above the highest used', () => {
    expect(nextKey([])).toBe('field_1');
    expect(nextKey(['field_1', 'field_2'])).toBe('field_3');
    expect(nextKey(['field_7', 'system'])).toBe('field_8');
    expect(nextKey(['col_1'], 'col')).toBe('col_2');
  });

  it('counts table columns as taken', () => {
    const schema: FormSchema = { fields: [field('items', 'table', { columns: [field('field_4')] })] };
    expect([...allKeys(schema)]).toEqual(['items', 'field_4']);
    expect(createField('text', allKeys(schema), text).key).toBe('field_5');
  });

  it('validates keys like the server', () => {
    expect(keyProblem('system', ['other'])).toBeNull();
    expect(keyProblem('a', [])).toBeNull();
    expect(keyProblem('Field', [])).toBe('format');
    expect(keyProblem('1field', [])).toBe('format');
    expect(keyProblem('field-1', [])).toBe('format');
    expect(keyProblem(`a${'b'.repeat(39)}`, [])).toBeNull();
    expect(keyProblem(`a${'b'.repeat(40)}`, [])).toBe('format');
    expect(keyProblem('system', ['system'])).toBe('duplicate');
  });
});

describe('new fields', () => {
  it('start valid for every type', () => {
    let schema: FormSchema = { fields: [] };
    for (const type of FIELD_TYPES) schema = appendField(schema, createField(type, allKeys(schema), { ...text, label: type }));
    expect(keys(schema)).toEqual(FIELD_TYPES.map((_, i) => `field_${i + 1}`));
    expect(schemaProblems(schema)).toEqual([]);
  });

  it('give choices two options, numbers precision 0, files a limit, tables a column', () => {
    expect(createField('radio', [], text).options).toEqual([
      { value: 'opt1', label: 'Option 1' },
      { value: 'opt2', label: 'Option 2' },
    ]);
    expect(createField('select', [], text).multiple).toBe(false);
    expect(createField('number', [], text).precision).toBe(0);
    expect(createField('image', [], text).max_files).toBe(3);
    expect(createField('table', [], text).columns).toEqual([{ key: 'col_1', type: 'text', label: 'Column', required: false }]);
    expect(createField('section', [], text)).not.toHaveProperty('required');
  });
});

describe('field operations', () => {
  const base: FormSchema = { fields: [field('a'), field('b'), field('c')] };

  it('inserts at a position (clamped) without touching the input', () => {
    expect(keys(insertField(base, field('x'), 1))).toEqual(['a', 'x', 'b', 'c']);
    expect(keys(insertField(base, field('x'), 0))).toEqual(['x', 'a', 'b', 'c']);
    expect(keys(insertField(base, field('x'), 99))).toEqual(['a', 'b', 'c', 'x']);
    expect(keys(insertField(base, field('x'), -3))).toEqual(['x', 'a', 'b', 'c']);
    expect(keys(appendField(base, field('x')))).toEqual(['a', 'b', 'c', 'x']);
    expect(keys(base)).toEqual(['a', 'b', 'c']);
  });

  it('moves a field', () => {
    expect(keys(moveField(base, 0, 2))).toEqual(['b', 'c', 'a']);
    expect(keys(moveField(base, 2, 0))).toEqual(['c', 'a', 'b']);
    expect(keys(moveField(base, 5, 0))).toEqual(['a', 'b', 'c']);
  });

  it('updates a field; undefined removes a setting', () => {
    const schema = updateField(base, 'b', { label: 'B', help: 'h' });
    expect(schema.fields[1]).toEqual({ key: 'b', type: 'text', label: 'B', help: 'h' });
    expect(updateField(schema, 'b', { help: undefined }).fields[1]).not.toHaveProperty('help');
    expect(base.fields[1]?.label).toBe('b');
  });

  it('duplicates a field right after it under a new key, deep-copied', () => {
    const schema: FormSchema = { fields: [field('field_1', 'radio', { options: [{ value: 'y', label: 'Y' }] }), field('b')] };
    const result = duplicateField(schema, 'field_1');
    expect(result.key).toBe('field_2');
    expect(keys(result.schema)).toEqual(['field_1', 'field_2', 'b']);
    expect(result.schema.fields[1]?.options).toEqual([{ value: 'y', label: 'Y' }]);
    expect(result.schema.fields[1]?.options).not.toBe(schema.fields[0]?.options);
  });

  it('deletes a field and the rules of other fields that named it', () => {
    const schema: FormSchema = {
      fields: [
        field('a', 'radio', { options: [{ value: 'y', label: 'Y' }] }),
        field('b'),
        field('c', 'text', { visible_when: { match: 'all', rules: [{ field: 'a', op: 'eq', value: 'y' }] } }),
        field('d', 'text', {
          visible_when: {
            match: 'any',
            rules: [
              { field: 'a', op: 'filled' },
              { field: 'b', op: 'empty' },
            ],
          },
        }),
      ],
    };
    const result = deleteField(schema, 'a');
    expect(keys(result.schema)).toEqual(['b', 'c', 'd']);
    expect(result.droppedRules).toBe(2);
    expect(result.schema.fields[1]?.visible_when).toBeNull();
    expect(result.schema.fields[2]?.visible_when).toEqual({ match: 'any', rules: [{ field: 'b', op: 'empty' }] });
    expect(deleteField(schema, 'b').droppedRules).toBe(1);
  });

  it('renames a field and the rules that name it', () => {
    const schema: FormSchema = {
      fields: [field('a'), field('b', 'text', { visible_when: { match: 'all', rules: [{ field: 'a', op: 'filled' }] } })],
    };
    const renamed = renameField(schema, 'a', 'system');
    expect(keys(renamed)).toEqual(['system', 'b']);
    expect(renamed.fields[1]?.visible_when?.rules[0]?.field).toBe('system');
    expect(renameField(schema, 'a', 'a')).toBe(schema);
  });
});

describe('table columns', () => {
  const table = (): FormSchema => ({ fields: [field('t', 'table', { columns: [field('col_1')] }), field('x')] });

  it('adds a column of a column type, refuses others', () => {
    const result = addColumn(table(), 't', 'number', text);
    expect(result.key).toBe('col_2');
    expect(result.schema.fields[0]?.columns?.map((c) => [c.key, c.type])).toEqual([
      ['col_1', 'text'],
      ['col_2', 'number'],
    ]);
    expect(addColumn(table(), 't', 'number', text, 0).schema.fields[0]?.columns?.[0]?.key).toBe('col_2');
    expect(addColumn(table(), 't', 'file', text).key).toBeNull();
    expect(addColumn(table(), 't', 'section', text).key).toBeNull();
    expect(addColumn(table(), 'x', 'text', text).key).toBeNull();
  });

  it('adopts a column dropped from the palette under a free column key', () => {
    const dropped = createField('date', ['col_1', 't', 'x'], text);
    const result = adoptColumn(table(), 't', dropped, 0);
    expect(result.key).toBe('col_2');
    expect(result.schema.fields[0]?.columns?.map((c) => c.key)).toEqual(['col_2', 'col_1']);
    expect(adoptColumn(table(), 't', createField('image', [], text), 0).key).toBeNull();
  });

  it('moves, updates, renames, duplicates and deletes columns', () => {
    let schema = addColumn(table(), 't', 'number', text).schema;
    schema = moveColumn(schema, 't', 1, 0);
    expect(schema.fields[0]?.columns?.map((c) => c.key)).toEqual(['col_2', 'col_1']);
    schema = updateColumn(schema, 't', 'col_1', { required: true });
    expect(schema.fields[0]?.columns?.[1]?.required).toBe(true);
    schema = renameColumn(schema, 't', 'col_1', 'name');
    expect(schema.fields[0]?.columns?.map((c) => c.key)).toEqual(['col_2', 'name']);
    const copy = duplicateColumn(schema, 't', 'col_2');
    expect(copy.key).toBe('col_3');
    expect(copy.schema.fields[0]?.columns?.map((c) => c.key)).toEqual(['col_2', 'col_3', 'name']);
    schema = deleteColumn(copy.schema, 't', 'col_2');
    expect(schema.fields[0]?.columns?.map((c) => c.key)).toEqual(['col_3', 'name']);
  });
});

describe('options', () => {
  it('adds options with unique values', () => {
    expect(nextOptionValue([])).toBe('opt1');
    expect(nextOptionValue([{ value: 'opt1', label: '' }, { value: 'opt3', label: '' }])).toBe('opt4');
    expect(addOption([{ value: 'his', label: 'HIS' }], (n) => `Option ${n}`)).toEqual([
      { value: 'his', label: 'HIS' },
      { value: 'opt1', label: 'Option 1' },
    ]);
  });
});

describe('conditions', () => {
  const schema: FormSchema = {
    fields: [
      field('head', 'section'),
      field('need', 'radio', { options: [{ value: 'yes', label: 'Yes' }] }),
      field('count', 'number'),
      field('who', 'user'),
      field('files', 'file'),
      field('reason'),
    ],
  };

  it('may name only earlier fields that hold a value', () => {
    expect(conditionCandidates(schema, 'reason').map((f) => f.key)).toEqual(['need', 'count', 'who', 'files']);
    expect(conditionCandidates(schema, 'need')).toEqual([]);
  });

  it('offers operators that fit the field', () => {
    expect(operatorsFor(schema.fields[1])).toEqual(['eq', 'ne', 'in', 'not_in', 'filled', 'empty']);
    expect(operatorsFor(schema.fields[2])).toContain('gte');
    expect(operatorsFor(schema.fields[3])).toEqual(['eq', 'ne', 'filled', 'empty']);
    expect(operatorsFor(schema.fields[4])).toEqual(['filled', 'empty']);
    expect(operatorArity('filled')).toBe('none');
    expect(operatorArity('in')).toBe('list');
    expect(operatorArity('lt')).toBe('single');
  });

  it('keeps a rule consistent when its operator or field changes', () => {
    const need = schema.fields[1];
    expect(adaptRule({ field: 'need', op: 'in', value: 'yes' }, need)).toEqual({ field: 'need', op: 'in', value: ['yes'] });
    expect(adaptRule({ field: 'need', op: 'eq', value: ['yes', 'no'] }, need)).toEqual({ field: 'need', op: 'eq', value: 'yes' });
    expect(adaptRule({ field: 'need', op: 'filled', value: 'yes' }, need)).toEqual({ field: 'need', op: 'filled' });
    expect(adaptRule({ field: 'files', op: 'eq', value: 'x' }, schema.fields[4])).toEqual({ field: 'files', op: 'filled' });
    expect(adaptRule({ field: 'need', op: 'gt', value: null }, need)).toEqual({ field: 'need', op: 'eq', value: null });
  });

  it('adds and removes rules; no rules means no condition', () => {
    const rule = newRule(conditionCandidates(schema, 'reason'));
    expect(rule).toEqual({ field: 'files', op: 'filled' });
    const condition = addRule(null, rule);
    expect(condition).toEqual({ match: 'all', rules: [rule] });
    const two = addRule({ ...condition, match: 'any' }, { field: 'need', op: 'eq', value: 'yes' });
    expect(two.match).toBe('any');
    expect(removeRule(two, 0)).toEqual({ match: 'any', rules: [{ field: 'need', op: 'eq', value: 'yes' }] });
    expect(removeRule(condition, 0)).toBeNull();
  });

  it('refits a default when a field switches to several values', () => {
    expect(fitDefault(field('s', 'select', { multiple: true, default: 'a' }))).toEqual(['a']);
    expect(fitDefault(field('s', 'select', { multiple: false, default: ['a'] }))).toBeNull();
    expect(fitDefault(field('s', 'select', { default: 'a' }))).toBe('a');
  });
});

describe('problems', () => {
  it('are placed on the field and column their path names (server or checker)', () => {
    const schema: FormSchema = { fields: [field('a'), field('t', 'table', { columns: [field('c1'), field('c2')] })] };
    const placed = placeProblems(schema, {
      'fields.0.label': ['bad label'],
      'draft_schema.fields.1.columns.1.key': ['dup'],
      'fields.1': ['whole field'],
      draft_schema: ['whole form'],
      'fields.9.key': ['gone'],
    });
    expect(placed).toEqual([
      { field: 'a', column: null, where: 'label', messages: ['bad label'] },
      { field: 't', column: 'c2', where: 'key', messages: ['dup'] },
      { field: 't', column: null, where: '', messages: ['whole field'] },
      { field: null, column: null, where: 'draft_schema', messages: ['whole form'] },
      { field: null, column: null, where: 'fields.9.key', messages: ['gone'] },
    ]);
    expect([...problemKeys(placed)]).toEqual(['a', 't']);
  });

  it('turn the shared checker list into a path map', () => {
    const schema: FormSchema = { fields: [field('a', 'select', { options: [] }), field('a')] };
    const map = problemMap(schemaProblems(schema));
    expect(Object.keys(map)).toEqual(['fields.0.options', 'fields.1.key']);
  });
});

describe('saving', () => {
  it('leaves out empty settings and options under a data source', () => {
    const schema: FormSchema = {
      fields: [
        field('a', 'text', { help: '', placeholder: 'p', min: null, default: '', visible_when: null }),
        field('s', 'select', { source: { kind: 'users' }, options: [{ value: 'x', label: 'X' }], multiple: false }),
        field('t', 'table', { columns: [field('c', 'text', { help: '', visible_when: { match: 'all', rules: [] } })] }),
      ],
    };
    expect(tidySchema(schema)).toEqual({
      fields: [
        { key: 'a', type: 'text', label: 'a', placeholder: 'p' },
        { key: 's', type: 'select', label: 's', source: { kind: 'users' }, multiple: false },
        { key: 't', type: 'table', label: 't', columns: [{ key: 'c', type: 'text', label: 'c' }] },
      ],
    });
  });

  it('compares drafts whatever order their settings were written in', () => {
    const a: FormSchema = { fields: [{ key: 'a', type: 'text', label: 'A', required: true }] };
    const b: FormSchema = { fields: [{ required: true, label: 'A', type: 'text', key: 'a', help: '' }] };
    expect(sameSchema(a, b)).toBe(true);
    expect(sameSchema(a, updateField(a, 'a', { required: false }))).toBe(false);
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });

  it('reads a draft from the server safely', () => {
    expect(editableSchema(null)).toEqual({ fields: [] });
    const original: FormSchema = { fields: [field('a')] };
    const copy = editableSchema(original);
    expect(copy).toEqual(original);
    expect(copy.fields[0]).not.toBe(original.fields[0]);
  });
});
