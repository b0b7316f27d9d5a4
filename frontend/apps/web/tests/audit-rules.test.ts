import { describe, expect, it } from 'vitest';

import { changeQuery, fieldDiffs, loginQuery } from '@/views/audit/audit-rules';

describe('audit filters', () => {
  it('sends only the filters that are set, trimmed', () => {
    expect(
      changeQuery(
        { range: null, actor: ' admin_sys ', ip: '', objectType: 'Accounts.User', action: 'update', result: '' },
        { page: 2, page_size: 20 },
      ),
    ).toEqual({ actor: 'admin_sys', object_type: 'accounts.user', action: 'update', page: 2, page_size: 20 });
  });

  it('turns the time range into time_after and time_before', () => {
    const range: [string, string] = ['2026-11-01T00:00:00.000Z', '2026-11-02T00:00:00.000Z'];
    expect(loginQuery({ range, actor: '', ip: '10.0.0.1', kind: 'failed', result: 'failure' })).toEqual({
      time_after: range[0],
      time_before: range[1],
      ip: '10.0.0.1',
      kind: 'failed',
      result: 'failure',
    });
  });
});

describe('fieldDiffs', () => {
  it('lists the changed fields of an update with both values', () => {
    expect(
      fieldDiffs({
        action: 'update',
        changed_fields: ['phone', 'roles'],
        before: { phone: '8021', name: '药剂科', roles: ['agent'] },
        after: { phone: '8100', name: '药剂科', roles: ['agent', 'engineer'] },
      }),
    ).toEqual([
      { field: 'phone', before: '8021', after: '8100' },
      { field: 'roles', before: '["agent"]', after: '["agent","engineer"]' },
    ]);
  });

  it('lists every recorded field of a creation', () => {
    expect(fieldDiffs({ action: 'create', changed_fields: [], before: null, after: { name: '门诊部', code: 'MZ' } })).toEqual([
      { field: 'code', before: '', after: 'MZ' },
      { field: 'name', before: '', after: '门诊部' },
    ]);
  });
});
