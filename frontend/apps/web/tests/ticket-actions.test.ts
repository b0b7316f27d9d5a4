import type * as ApiModule from '@hitsm/api';
import { acceptTicket, assignTicket, confirmTicket, type Me, type TicketDetail } from '@hitsm/api';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import TicketActions from '@/components/ticket/ticket-actions.vue';
import { i18n, setLocale } from '@/i18n';
import { useSessionStore } from '@/stores/session';

import { detail } from './fixtures';

vi.mock('@hitsm/api', async (importOriginal) => ({
  ...(await importOriginal<typeof ApiModule>()),
  acceptTicket: vi.fn(),
  assignTicket: vi.fn(),
  confirmTicket: vi.fn(),
  listAssignmentGroups: vi.fn().mockResolvedValue({ count: 0, results: [] }),
}));

const AGENT = { id: 3, username: 'agent_chen', display_name: '陈工', roles: ['agent'], navigation: [] } as unknown as Me;

function mountActions(ticket: TicketDetail) {
  const execute = vi.fn(async (task: () => Promise<unknown>) => {
    await task();
    return true;
  });
  const wrapper = mount(TicketActions, {
    props: { ticket, execute },
    global: { plugins: [ElementPlus, i18n], stubs: { RelationDialog: true, ActionDialog: true } },
  });
  return { wrapper, execute };
}

const labels = (wrapper: ReturnType<typeof mountActions>['wrapper']) =>
  wrapper.findAll('button').map((b) => b.text().trim());

describe('ticket actions', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    setLocale('zh-CN');
    useSessionStore().signedIn(AGENT);
    vi.mocked(acceptTicket).mockReset().mockResolvedValue(detail());
    vi.mocked(assignTicket).mockReset().mockResolvedValue(detail());
    vi.mocked(confirmTicket).mockReset().mockResolvedValue(detail());
  });

  it("shows an agent exactly the server's allowed actions on a new ticket", () => {
    const { wrapper } = mountActions(detail({ allowed_actions: ['accept', 'assign', 'cancel', 'escalate', 'reply', 'note', 'update'] }));
    expect(labels(wrapper)).toEqual(['受理', '派发', '升级', '取消工单', '派给我']);
  });

  it('accepts with one click, through the conflict-aware runner', async () => {
    const { wrapper, execute } = mountActions(detail({ allowed_actions: ['accept'] }));
    await wrapper.get('[data-testid="action-accept"]').trigger('click');
    await flushPromises();
    expect(execute).toHaveBeenCalledTimes(1);
    expect(acceptTicket).toHaveBeenCalledWith(7);
  });

  it('assigns to me by my user id', async () => {
    const { wrapper } = mountActions(detail({ allowed_actions: ['assign'] }));
    await wrapper.get('[data-testid="action-assign-me"]').trigger('click');
    await flushPromises();
    expect(assignTicket).toHaveBeenCalledWith(7, { assignee: 3 });
  });

  it('gives the requester of a resolved ticket confirm and reopen only', async () => {
    useSessionStore().signedIn({ ...AGENT, id: 2, roles: ['requester'] } as unknown as Me);
    const { wrapper } = mountActions(detail({ status: 'resolved', allowed_actions: ['confirm', 'reopen', 'reply'] }));
    expect(labels(wrapper)).toEqual(['确认已解决', '重新打开']);
    await wrapper.get('[data-testid="action-confirm"]').trigger('click');
    await flushPromises();
    expect(confirmTicket).toHaveBeenCalledWith(7);
  });

  it('exposes trigger() for shortcuts, refusing what the server did not allow', async () => {
    const { wrapper } = mountActions(detail({ allowed_actions: ['accept'] }));
    const actions = wrapper.vm as unknown as { trigger: (a: string) => Promise<boolean> };
    expect(await actions.trigger('resolve')).toBe(false);
    expect(await actions.trigger('accept')).toBe(true);
    expect(acceptTicket).toHaveBeenCalledTimes(1);
  });
});
