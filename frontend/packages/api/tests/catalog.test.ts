import { describe, expect, it, vi } from 'vitest';

import { catalogTicketForm, createEndpoints, createHitsmClient, formAnswersOf } from '../src';

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

describe('catalogTicketForm', () => {
  it('sends the answers as JSON text, the files by field and only what was given', () => {
    const scan = new File([new Uint8Array([1, 2])], '工牌.png', { type: 'image/png' });
    const form = catalogTicketForm({
      catalog_item: 12,
      form_data: { need_vpn: 'yes', devices: [{ name: 'PC', qty: 1 }] },
      form_files: { badge: [scan, scan], empty: [] },
      description: '  请尽快  ',
      contact_phone: '',
      requester: 7,
      impact: 2,
      urgency: null,
    });
    expect(form.get('catalog_item')).toBe('12');
    expect(form.get('channel')).toBe('web');
    expect(JSON.parse(form.get('form_data') as string)).toEqual({ need_vpn: 'yes', devices: [{ name: 'PC', qty: 1 }] });
    expect(form.get('description')).toBe('请尽快');
    expect(form.has('contact_phone')).toBe(false);
    expect(form.get('requester')).toBe('7');
    expect(form.get('impact')).toBe('2');
    expect(form.has('urgency')).toBe(false);
    expect(form.getAll('form_files.badge')).toHaveLength(2);
    expect((form.get('form_files.badge') as File).name).toBe('工牌.png');
    expect(form.has('form_files.empty')).toBe(false);
  });

  it('reads a ticket without answers as an empty list', () => {
    expect(formAnswersOf(null)).toEqual([]);
    expect(formAnswersOf({ form_answers: [{ key: 'a', label: 'A', type: 'text', text: 'x' }] })).toHaveLength(1);
  });
});

describe('catalog endpoints', () => {
  it('asks for the menu with trimmed words and the requester, and stars with POST / DELETE', async () => {
    const { api, requests } = setup((request) =>
      request.url.includes('/favourite/') ? new Response(null, { status: 204 }) : json({ favourites: [], frequent: [], categories: [] }),
    );
    await api.getCatalogMenu('  打印机 ', 9);
    await api.getCatalogMenu();
    await api.setCatalogFavourite(3, true);
    await api.setCatalogFavourite(3, false);
    const urls = requests.filter((r) => !r.url.endsWith('/csrf/')).map((r) => `${r.method} ${decodeURIComponent(r.url.replace(BASE, ''))}`);
    expect(urls).toEqual([
      'GET /api/v1/catalog/menu/?q=打印机&for_user=9',
      'GET /api/v1/catalog/menu/',
      'POST /api/v1/catalog/items/3/favourite/',
      'DELETE /api/v1/catalog/items/3/favourite/',
    ]);
  });

  it('submits an item as multipart and passes the field errors on', async () => {
    const { api, requests } = setup(() =>
      json({ error: { code: 'validation_error', message: '数据有误', fields: { 'form_data.reason': ['请填写此项'] } } }, 400),
    );
    const failure = await api.submitCatalogItem({ catalog_item: 4, form_data: {} }).catch((error: unknown) => error);
    const post = requests.find((r) => r.method === 'POST' && r.url.endsWith('/api/v1/tickets/'));
    expect(post?.headers.get('Content-Type')).toMatch(/^multipart\/form-data/);
    const body = await post!.formData();
    expect(body.get('catalog_item')).toBe('4');
    expect(body.get('form_data')).toBe('{}');
    expect((failure as { fields: Record<string, string[]> }).fields).toEqual({ 'form_data.reason': ['请填写此项'] });
  });

  it('reads the expected times for chosen levels', async () => {
    const { api, requests } = setup(() =>
      json({ priority: 2, policy_name: '', calendar_name: '5×8', response_minutes: 30, resolution_minutes: 480, response_due_at: null, resolution_due_at: null }),
    );
    const answer = await api.getCatalogExpectations(4, { impact: 1, urgency: 2 });
    expect(answer.resolution_minutes).toBe(480);
    expect(requests.at(-1)?.url).toBe(`${BASE}/api/v1/catalog/items/4/expectations/?impact=1&urgency=2`);
  });
});
