import { describe, expect, it, vi } from 'vitest';

import {
  createEndpoints,
  createHitsmClient,
  filenameFromDisposition,
  ticketCreateForm,
  ticketQueryString,
} from '../src';

const BASE = 'http://hitsm.test';

function setup(respond: (request: Request) => Response) {
  const requests: Request[] = [];
  const fetch = vi.fn(async (request: Request) => {
    requests.push(request.clone());
    if (request.url.endsWith('/api/v1/auth/csrf/')) return new Response(null, { status: 204 });
    return respond(request);
  });
  const client = createHitsmClient({
    baseUrl: BASE,
    fetch,
    readCookie: (name) => (name === 'csrftoken' ? 'tok' : null),
    settings: { getLocale: () => 'zh-CN', fallbackMessage: () => 'x', onUnauthorized: () => undefined },
  });
  return { api: createEndpoints(client), requests };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('ticketCreateForm', () => {
  it('writes nested location with dotted keys and repeats lists, skipping empty parts', () => {
    const photo = new File([new Uint8Array([1, 2, 3])], '打印机.png', { type: 'image/png' });
    const form = ticketCreateForm({
      kind: 'incident',
      title: '',
      description: '打印机卡纸',
      location: { campus: '', building: '门诊楼', floor: '3', room: '', bed: '' },
      configuration_items: [4, 7],
      files: [photo, photo],
    });
    expect(form.get('kind')).toBe('incident');
    expect(form.get('title')).toBe('');
    expect(form.get('location.building')).toBe('门诊楼');
    expect(form.get('location.floor')).toBe('3');
    expect(form.has('location.room')).toBe(false);
    expect(form.getAll('configuration_items')).toEqual(['4', '7']);
    expect(form.getAll('files')).toHaveLength(2);
    expect((form.get('files') as File).name).toBe('打印机.png');
  });
});

describe('ticket endpoints', () => {
  it('create sends JSON without files and multipart with them', async () => {
    const { api, requests } = setup(() => json({ id: 5, number: 'INC-1', allowed_actions: [] }, 201));
    await api.createTicket({ kind: 'request', title: '', description: '开通 HIS 账号' });
    const photo = new File([new Uint8Array([137, 80])], 'p.png', { type: 'image/png' });
    await api.createTicket({ kind: 'incident', title: '', description: '卡纸', files: [photo] });
    const posts = requests.filter((r) => r.method === 'POST');
    expect(posts[0]?.headers.get('Content-Type')).toContain('application/json');
    expect(await posts[0]?.json()).toEqual({ kind: 'request', title: '', description: '开通 HIS 账号' });
    expect(posts[1]?.headers.get('Content-Type')).toContain('multipart/form-data');
    expect(posts[1]?.headers.get('X-CSRFToken')).toBe('tok');
  });

  it('each transition posts to its own action URL with its body', async () => {
    const { api, requests } = setup(() => json({ id: 5, allowed_actions: [] }));
    await api.acceptTicket(5);
    await api.assignTicket(5, { group: 2, assignee: 9, note: '' });
    await api.pendTicket(5, { reason: 'requester', note: '型号？' });
    await api.setTicketParent(5, 3);
    const posts = requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => new URL(r.url).pathname)).toEqual([
      '/api/v1/tickets/5/accept/',
      '/api/v1/tickets/5/assign/',
      '/api/v1/tickets/5/pend/',
      '/api/v1/tickets/5/set-parent/',
    ]);
    expect(await posts[1]?.json()).toEqual({ group: 2, assignee: 9, note: '' });
    expect(await posts[3]?.json()).toEqual({ ticket: 3 });
  });

  it('lists with repeated status filters and reads the queue counts', async () => {
    const { api, requests } = setup((request) =>
      request.url.includes('/queues/')
        ? json({ intake: 2, dispatch: 0, overdue: 0, unaccepted: 1, mine: 0, my_groups: 0, open: 3 })
        : json({ count: 0, results: [] }),
    );
    await api.listTickets({ queue: 'intake', status: ['new', 'accepted'], q: 'INC-2026', page: 2 });
    expect((await api.getTicketQueues()).unaccepted).toBe(1);
    const url = new URL(requests[0]?.url ?? '');
    expect(url.searchParams.get('queue')).toBe('intake');
    expect(url.searchParams.getAll('status')).toEqual(['new', 'accepted']);
    expect(url.searchParams.get('q')).toBe('INC-2026');
  });

  it('exports the filtered tickets as a file with the server-given name', async () => {
    const { api, requests } = setup(
      () =>
        new Response(new Blob(['xlsx']), {
          status: 200,
          headers: { 'Content-Disposition': "attachment; filename*=UTF-8''tickets-20260302-0800.xlsx" },
        }),
    );
    const result = await api.exportTickets({ queue: 'open', page: 3, page_size: 20, kind: 'incident' });
    expect(result.filename).toBe('tickets-20260302-0800.xlsx');
    expect(await result.blob.text()).toBe('xlsx');
    const url = new URL(requests[0]?.url ?? '');
    expect(url.pathname).toBe('/api/v1/tickets/export/');
    expect(url.searchParams.get('queue')).toBe('open');
    expect(url.searchParams.has('page')).toBe(false);
  });

  it('notification endpoints answer the unread count', async () => {
    const { api, requests } = setup(() => json({ unread: 4 }));
    expect(await api.getUnreadCount()).toBe(4);
    expect(await api.markNotificationsRead()).toBe(4);
    await api.markNotificationsRead([1, 2]);
    const posts = requests.filter((r) => r.method === 'POST');
    expect(await posts[0]?.json()).toEqual({});
    expect(await posts[1]?.json()).toEqual({ ids: [1, 2] });
  });
});

describe('helpers', () => {
  it('builds the export query string from the list filters without paging', () => {
    expect(ticketQueryString({ queue: 'open', status: ['new', 'pending'], q: '', page: 2, page_size: 50 })).toBe(
      'queue=open&status=new&status=pending',
    );
  });

  it('reads the file name from Content-Disposition', () => {
    expect(filenameFromDisposition("attachment; filename*=UTF-8''%E5%B7%A5%E5%8D%95.xlsx", 'x.xlsx')).toBe('工单.xlsx');
    expect(filenameFromDisposition('attachment; filename="a.xlsx"', 'x.xlsx')).toBe('a.xlsx');
    expect(filenameFromDisposition(null, 'x.xlsx')).toBe('x.xlsx');
  });
});
