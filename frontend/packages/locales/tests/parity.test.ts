import { describe, expect, it } from 'vitest';

import en from '../en.json';
import zhCN from '../zh-CN.json';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const zh = flatten(zhCN);
const english = flatten(en);
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('locale files', () => {
  it('have exactly the same keys', () => {
    expect([...english.keys()].sort()).toEqual([...zh.keys()].sort());
  });

  it('use the same placeholders in both languages', () => {
    for (const [key, text] of zh) {
      expect(placeholders(english.get(key) ?? ''), key).toEqual(placeholders(text));
    }
  });

  it('have no empty labels', () => {
    for (const [key, text] of [...zh, ...english]) expect(text.trim(), key).not.toBe('');
  });

  it('avoid vue-i18n special characters that would break a message', () => {
    for (const [key, text] of [...zh, ...english]) expect(text, key).not.toMatch(/[@|$%]/);
  });

  it('label every navigation key and role of the contract, with the agreed Chinese role names', () => {
    const nav = [
      'home',
      'desk',
      'new_ticket',
      'my_tickets',
      'notifications',
      'kpi_board',
      'cmdb',
      'cmdb_diagram',
      'cmdb_import',
      'cmdb_classes',
      'jobs',
      'users',
      'departments',
      'user_import',
      'groups',
      'categories',
      'routing_rules',
      'sla_policies',
      'sla_calendars',
      'sla_holidays',
      'tokens',
      'security',
      'system',
      'wecom',
      'api_docs',
    ];
    for (const key of nav) expect(zh.has(`nav.${key}`), key).toBe(true);
    expect(Object.fromEntries([...zh].filter(([k]) => k.startsWith('roles.')))).toEqual({
      'roles.requester': '医护人员',
      'roles.agent': '服务台坐席',
      'roles.engineer': '工程师',
      'roles.sysadmin': '系统管理员',
      'roles.manager': 'IT 主管',
      'roles.admin': '平台管理员',
      'roles.auditor': '审计管理员',
      'roles.security_officer': '安全管理员',
    });
    for (const status of ['queued', 'running', 'succeeded', 'failed']) expect(zh.has(`job_status.${status}`)).toBe(true);
  });

  it('use the glossary words for the lifecycle and the queues', () => {
    const words = ['action.accept', 'action.assign', 'action.resolve', 'action.close', 'action.escalate', 'desk.queues.unaccepted'];
    expect(words.map((key) => zh.get(key))).toEqual(['受理', '派发', '解决', '关闭', '升级', '无人受理']);
    for (const step of ['submitted', 'accepted', 'in_progress', 'resolved']) expect(zh.has(`progress.${step}`), step).toBe(true);
    expect(['已提交', '已受理', '处理中', '已解决']).toEqual(
      ['submitted', 'accepted', 'in_progress', 'resolved'].map((step) => zh.get(`progress.${step}`)),
    );
  });
});
