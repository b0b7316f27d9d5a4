import type { Me, TicketDetail, TicketListItem } from '@hitsm/api';

/** 王工 (engineer in 桌面运维组) and 陈工 (service desk agent), as `GET auth/me/` answers them. */
export const ENGINEER = { id: 6, username: 'engineer_wang', display_name: '王工', roles: ['engineer'], is_superuser: false, navigation: [] } as unknown as Me;
export const AGENT = { id: 3, username: 'agent_chen', display_name: '陈工', roles: ['agent'], is_superuser: false, navigation: [] } as unknown as Me;
export const NURSE = { id: 2, username: 'nurse_li', display_name: '李护士', roles: ['requester'], is_superuser: false, navigation: [] } as unknown as Me;

export const DESKTOP = { id: 1, name: '桌面运维组' };

export function row(id: number, patch: Partial<TicketListItem> = {}): TicketListItem {
  return {
    id,
    number: `INC-20260302-${String(id).padStart(4, '0')}`,
    kind: 'incident',
    kind_label: '故障',
    title: '门诊3楼打印机卡纸',
    status: 'new',
    status_label: '待受理',
    priority: 3,
    impact: 3,
    urgency: 2,
    channel: 'h5',
    channel_label: '移动端',
    requester: { id: 2, username: 'nurse_li', display_name: '李护士' },
    department: { id: 1, name: '门诊部' },
    assignment_group: DESKTOP,
    assignee: null,
    category: null,
    created_at: '2026-03-02T08:00:00+08:00',
    updated_at: '2026-03-02T08:00:00+08:00',
    accepted_at: null,
    resolved_at: null,
    response_due_at: '2026-03-02T08:30:00+08:00',
    resolution_due_at: '2026-03-02T16:00:00+08:00',
    overdue: false,
    escalation_level: 0,
    parent: null,
    ...patch,
  } as TicketListItem;
}

export function detail(patch: Partial<TicketDetail> = {}): TicketDetail {
  return {
    ...row(7),
    description: '处方打不出来',
    submitted_by: { id: 2, username: 'nurse_li', display_name: '李护士' },
    accepted_by: null,
    contact_phone: '8301',
    location: { campus: '', building: '门诊楼', floor: '3', room: '护士站', bed: '' },
    catalog_item: null,
    form_version: null,
    form_data: {},
    form_answers: [],
    pending_reason: '',
    resolution_code: '',
    resolution_notes: '',
    closed_at: null,
    reopen_count: 0,
    version: 1,
    configuration_items: [],
    children: [],
    related: [],
    merged_into: null,
    parent_ticket: null,
    allowed_actions: [],
    ...patch,
  } as TicketDetail;
}
