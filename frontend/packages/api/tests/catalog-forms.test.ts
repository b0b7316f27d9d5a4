import { describe, expect, it, vi } from 'vitest';

import { ApiError, createCatalogFormEndpoints, createHitsmClient } from '../src';

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
  const writes = () => requests.filter((request) => !request.url.endsWith('/auth/csrf/'));
  return { api: createCatalogFormEndpoints(client), writes };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('catalog form endpoints', () => {
  it('searches forms by q', async () => {
    const { api, writes } = setup(() => json([]));
    await api.listCatalogForms({ q: 'vpn' });
    const url = new URL(writes()[0]!.url);
    expect(url.pathname).toBe('/api/v1/catalog/forms/');
    expect(url.searchParams.get('q')).toBe('vpn');
  });

  it('saves the draft schema with PATCH and the CSRF token', async () => {
    const { api, writes } = setup(() => json({ id: 5, draft_schema: { fields: [] } }));
    const schema = { fields: [{ key: 'reason', type: 'text' as const, label: 'Reason' }] };
    await api.patchCatalogForm(5, { draft_schema: schema });
    const request = writes()[0]!;
    expect(request.method).toBe('PATCH');
    expect(new URL(request.url).pathname).toBe('/api/v1/catalog/forms/5/');
    expect(request.headers.get('X-CSRFToken')).toBe('tok');
    expect(await request.json()).toEqual({ draft_schema: schema });
  });

  it('publishes with a note and checks answers against the draft', async () => {
    const { api, writes } = setup((request) =>
      request.url.endsWith('/publish/')
        ? json({ id: 1, form: 5, version: 2, schema: { fields: [] }, note: 'n', published_at: '', published_by_name: '' }, 201)
        : json({ valid: true, errors: {}, cleaned: { reason: 'x' } }),
    );
    expect((await api.publishCatalogForm(5, 'n')).version).toBe(2);
    expect(await writes()[0]!.json()).toEqual({ note: 'n' });
    expect((await api.checkCatalogForm(5, { reason: ' x ' })).cleaned).toEqual({ reason: 'x' });
    const check = writes()[1]!;
    expect(new URL(check.url).pathname).toBe('/api/v1/catalog/forms/5/check/');
    expect(await check.json()).toEqual({ data: { reason: ' x ' } });
  });

  it('throws the server refusal with its field paths', async () => {
    const { api } = setup(() =>
      json({ error: { code: 'validation_error', message: 'bad', fields: { 'draft_schema.fields.0.options': ['dup'] } } }, 400),
    );
    const error = await api.patchCatalogForm(5, { draft_schema: { fields: [] } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).fields).toEqual({ 'draft_schema.fields.0.options': ['dup'] });
  });
});
