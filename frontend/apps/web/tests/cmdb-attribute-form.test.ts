import type { CiAttribute, CiAttributeType } from '@hitsm/api';
import { describe, expect, it } from 'vitest';

import {
  attributeInitial,
  attributeModel,
  attributePayload,
  formatAttributeValue,
  missingRequired,
  splitItemErrors,
} from '@/components/cmdb/attribute-form';

let nextId = 1;
function attr(code: string, type: CiAttributeType, extra: Partial<CiAttribute> = {}): CiAttribute {
  nextId += 1;
  return { id: nextId, ci_class: 1, code, name: code, type, required: false, unique: false, choices: [], pattern: '', help_text: '', sort_order: 0, ...extra };
}

/** The virtual machine class of the reference data, plus one of each other type. */
const VM = [
  attr('ip_address', 'ip_address', { required: true, unique: true }),
  attr('os', 'text'),
  attr('vcpu', 'integer'),
  attr('capacity_tb', 'decimal'),
  attr('backed_up', 'boolean'),
  attr('warranty_until', 'date'),
  attr('mlps_level', 'choice', { choices: ['二级', '三级'] }),
  attr('url', 'url'),
];

describe('attributeModel', () => {
  it('turns stored values into what each input edits', () => {
    const model = attributeModel(VM, {
      ip_address: '10.1.1.10',
      vcpu: 8,
      capacity_tb: '12.5',
      backed_up: false,
      warranty_until: '2027-06-30',
      mlps_level: '三级',
    });
    expect(model).toEqual({
      ip_address: '10.1.1.10',
      os: '',
      vcpu: 8,
      capacity_tb: '12.5',
      backed_up: false,
      warranty_until: '2027-06-30',
      mlps_level: '三级',
      url: '',
    });
  });

  it('starts numbers and yes/no questions unanswered rather than at 0 or "no"', () => {
    expect(attributeInitial({ type: 'integer' }, undefined)).toBeNull();
    expect(attributeInitial({ type: 'boolean' }, undefined)).toBeNull();
    expect(attributeInitial({ type: 'integer' }, '16')).toBe(16);
    expect(attributeInitial({ type: 'integer' }, 'many')).toBeNull();
    expect(attributeInitial({ type: 'boolean' }, 'true')).toBe(true);
    expect(attributeInitial({ type: 'text' }, 42)).toBe('42');
  });
});

describe('attributePayload', () => {
  it('sends only this class’s filled-in values, text trimmed, false kept', () => {
    const payload = attributePayload(VM, {
      ip_address: ' 10.1.1.10 ',
      os: '   ',
      vcpu: null,
      capacity_tb: '2.0',
      backed_up: false,
      warranty_until: '',
      mlps_level: '三级',
      url: '',
      left_over_from_another_class: 'x',
    });
    expect(payload).toEqual({ ip_address: '10.1.1.10', capacity_tb: '2.0', backed_up: false, mlps_level: '三级' });
  });
});

describe('missingRequired', () => {
  it('names each required attribute left blank', () => {
    expect(missingRequired(VM, { ip_address: ' ' }, '必填')).toEqual({ ip_address: '必填' });
    expect(missingRequired(VM, { ip_address: '10.0.0.1' }, '必填')).toEqual({});
  });
});

describe('splitItemErrors', () => {
  it('puts attributes.<code> beside the attribute, common fields beside theirs, the rest apart', () => {
    const split = splitItemErrors(
      {
        code: ['该编码已被使用'],
        'attributes.ip_address': ['“10.1.1.10”已被配置项 vm-his 使用'],
        'attributes.ghost': ['该类型没有此属性'],
        non_field_errors: ['提交的数据有误'],
      },
      ['code', 'name'],
      VM.map((a) => a.code),
    );
    expect(split.common).toEqual({ code: '该编码已被使用' });
    expect(split.attributes).toEqual({ ip_address: '“10.1.1.10”已被配置项 vm-his 使用' });
    expect(split.other).toEqual(['ghost: 该类型没有此属性', '提交的数据有误']);
  });
});

describe('formatAttributeValue', () => {
  const labels = { yes: '是', no: '否', none: '—' };
  it('shows yes/no, blanks and plain values as text', () => {
    expect(formatAttributeValue(true, labels)).toBe('是');
    expect(formatAttributeValue(false, labels)).toBe('否');
    expect(formatAttributeValue('', labels)).toBe('—');
    expect(formatAttributeValue(undefined, labels)).toBe('—');
    expect(formatAttributeValue(8, labels)).toBe('8');
  });
});
