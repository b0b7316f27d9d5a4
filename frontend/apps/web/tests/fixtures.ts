import type { QueueCounts, TicketDetail, TicketListItem } from '@hitsm/api';

export const COUNTS: QueueCounts = { intake: 2, dispatch: 1, overdue: 0, unaccepted: 1, mine: 0, my_groups: 0, open: 3, unaccepted_minutes: 30 };

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
    channel: 'web',
    channel_label: '网页',
    requester: { id: 2, username: 'nurse_li', display_name: '李护士' },
    department: { id: 1, name: '门诊部' },
    assignment_group: null,
    assignee: null,
    category: null,
    created_at: '2026-03-02T08:05:00+08:00',
    updated_at: '2026-03-02T08:05:00+08:00',
    accepted_at: null,
    resolved_at: null,
    response_due_at: '2026-03-02T08:35:00+08:00',
    resolution_due_at: '2026-03-03T08:05:00+08:00',
    overdue: false,
    escalation_level: 0,
    parent: null,
    ...patch,
  };
}

export function detail(patch: Partial<TicketDetail> = {}): TicketDetail {
  return {
    ...row(7),
    description: '处方打不出来',
    submitted_by: { id: 2, username: 'nurse_li', display_name: '李护士' },
    accepted_by: null,
    contact_phone: '8301',
    location: { campus: '', building: '门诊楼', floor: '3', room: '', bed: '' },
    form_data: {},
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
