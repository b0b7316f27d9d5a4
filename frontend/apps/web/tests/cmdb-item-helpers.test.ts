import type { CiChange, CiRef, CiRelation, CiRelationType } from '@hitsm/api';
import { describe, expect, it } from 'vitest';

import { describeChanges, type ChangeContext } from '@/views/cmdb/item/history-changes';
import { groupRelations } from '@/views/cmdb/item/relation-groups';

const context: ChangeContext = {
  fieldLabel: (key) => ({ name: '名称', status: '状态', owner_department_id: '归属科室' })[key] ?? key,
  attributeLabel: (code) => ({ ip_address: 'IP 地址', os: '操作系统' })[code] ?? code,
  formatValue: (key, value) => {
    if (value === null || value === undefined || value === '') return '（空）';
    if (key === 'status') return ({ in_use: '在用', maintenance: '维护中' })[String(value)] ?? String(value);
    if (key === 'owner_department_id') return ({ 3: '信息管理处' })[Number(value)] ?? `#${String(value)}`;
    return String(value);
  },
};

function change(patch: Partial<CiChange>): CiChange {
  return {
    id: 1,
    time: '2026-03-02T08:00:00+08:00',
    actor_label: 'engineer_wang',
    actor_name: '王工',
    action: 'update',
    object_type: 'configurationitem',
    object_repr: 'vm-his',
    changed_fields: [],
    before: null,
    after: null,
    ...patch,
  };
}

describe('describeChanges', () => {
  it('lists each changed field and each changed attribute as before → after', () => {
    const lines = describeChanges(
      change({
        changed_fields: ['attributes', 'status', 'updated_at'],
        before: { status: 'in_use', attributes: { ip_address: '10.1.1.10', os: 'CentOS 7' }, updated_at: 'x' },
        after: { status: 'maintenance', attributes: { ip_address: '10.1.1.20', os: 'CentOS 7' }, updated_at: 'y' },
      }),
      context,
    );
    expect(lines).toEqual([
      { key: 'attributes.ip_address', label: 'IP 地址', before: '10.1.1.10', after: '10.1.1.20' },
      { key: 'status', label: '状态', before: '在用', after: '维护中' },
    ]);
  });

  it('shows a created item by the values it was given, leaving out what was never set', () => {
    const lines = describeChanges(
      change({
        action: 'create',
        after: { id: 7, name: 'vm-his', status: 'in_use', owner_department_id: 3, location: '', clinical_critical: false, attributes: { os: 'CentOS 7' } },
      }),
      context,
    );
    expect(lines.map((line) => `${line.label}=${line.after}`)).toEqual(['名称=vm-his', '状态=在用', '归属科室=信息管理处', '操作系统=CentOS 7']);
  });
});

const type = (id: number, code: string, name: string, reverse: string, sort: number, flow = false): CiRelationType => ({
  id,
  code,
  name,
  reverse_name: reverse,
  is_data_flow: flow,
  sort_order: sort,
});
const USES = type(3, 'uses', '使用', '被使用', 2);
const RUNS_ON = type(4, 'runs_on', '运行于', '承载', 3);
const FLOW = type(8, 'data_flow', '数据流', '数据来源', 7, true);
const ci = (id: number, name: string, layer = 'application'): CiRef => ({
  id,
  code: name,
  name,
  ci_class: { id: 1, code: layer, name: layer, layer: layer as CiRef['ci_class']['layer'] },
});
const relation = (id: number, source: CiRef, target: CiRef, relationType: CiRelationType, dataSet: CiRef | null = null): CiRelation => ({
  id,
  source,
  target,
  type: relationType,
  data_set: dataSet,
  description: '',
  created_at: '2026-03-02T08:00:00+08:00',
});

describe('groupRelations', () => {
  const his = ci(3, 'HIS');
  const lis = ci(4, 'LIS');
  const registration = ci(2, '门诊挂号', 'business');
  const vm = ci(5, 'vm-his', 'system');
  const labRequest = ci(9, '检验申请', 'data');

  it('splits what the CI depends on from what depends on it, by type in the types’ order', () => {
    const grouped = groupRelations(
      [relation(12, his, vm, RUNS_ON), relation(11, registration, his, USES), relation(15, his, lis, FLOW, labRequest)],
      his.id,
    );
    expect(grouped.outgoing.map((g) => [g.label, g.rows.map((r) => r.other.name)])).toEqual([
      ['运行于', ['vm-his']],
      ['数据流', ['LIS']],
    ]);
    expect(grouped.incoming.map((g) => [g.label, g.rows.map((r) => r.other.name)])).toEqual([['被使用', ['门诊挂号']]]);
    expect(grouped.carried).toEqual([]);
  });

  it('lists the data flows that carry a business data CI', () => {
    const flow = relation(15, his, lis, FLOW, labRequest);
    const grouped = groupRelations([flow], labRequest.id);
    expect(grouped.carried).toEqual([flow]);
    expect(grouped.outgoing).toEqual([]);
  });
});
