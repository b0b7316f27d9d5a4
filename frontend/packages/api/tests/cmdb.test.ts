import { describe, expect, it, vi } from 'vitest';

import { ApiError, createEndpoints, createHitsmClient } from '../src';

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

describe('cmdb endpoints', () => {
  it('asks for the diagram around a CI with its depth and direction', async () => {
    const { api, requests } = setup(() => json({ nodes: [], edges: [], truncated: false }));
    await api.getCiDiagram(7, { depth: 1, direction: 'down' });
    const url = new URL(requests[0]!.url);
    expect(url.pathname).toBe('/api/v1/cmdb/items/7/diagram/');
    expect(url.searchParams.get('depth')).toBe('1');
    expect(url.searchParams.get('direction')).toBe('down');
  });

  it('reads every page of the relations among some CIs, sending their ids comma-separated', async () => {
    const relation = (id: number) => ({ id, source: { id: 1 }, target: { id: 2 }, type: {}, data_set: null, created_at: '' });
    const { api, requests } = setup((request) => {
      const page = new URL(request.url).searchParams.get('page');
      return page === '1'
        ? json({ count: 3, next: `${BASE}/api/v1/cmdb/relations/?page=2`, previous: null, results: [relation(1), relation(2)] })
        : json({ count: 3, next: null, previous: null, results: [relation(3)] });
    });
    const relations = await api.listCiRelationsAmong([5, 3, 5, 12]);
    expect(relations.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(requests).toHaveLength(2);
    const url = new URL(requests[0]!.url);
    expect(url.pathname).toBe('/api/v1/cmdb/relations/');
    expect(url.search).toContain('among=5,3,12');
    expect(url.searchParams.get('page_size')).toBe('200');
    expect(new URL(requests[1]!.url).searchParams.get('page')).toBe('2');
  });

  it('asks nothing when fewer than two CIs are shown', async () => {
    const { api, requests } = setup(() => json({}));
    expect(await api.listCiRelationsAmong([7])).toEqual([]);
    expect(requests).toHaveLength(0);
  });

  it('exports the list’s filters without its paging, under the server’s file name', async () => {
    const { api, requests } = setup(
      () =>
        new Response(new Uint8Array([0x50, 0x4b, 3, 4]), {
          headers: { 'Content-Disposition': "attachment; filename*=UTF-8''cmdb-20260302-0800.xlsx" },
        }),
    );
    const { blob, filename } = await api.exportCiItems({ layer: 'system', q: 'vm', support_group: 4, page: 3, page_size: 50 });
    const url = new URL(requests[0]!.url);
    expect(url.pathname).toBe('/api/v1/cmdb/items/export/');
    expect(Object.fromEntries(url.searchParams)).toEqual({ layer: 'system', q: 'vm', support_group: '4' });
    expect(filename).toBe('cmdb-20260302-0800.xlsx');
    expect(blob.size).toBe(4);
  });

  it('uploads an import as multipart and hands back the job', async () => {
    const { api, requests } = setup(() => json({ id: 9, status: 'queued', progress: 0, total: 0, result: null }, 202));
    const job = await api.uploadCiImport(new Blob(['PK']), 'cmdb.xlsx');
    const post = requests.find((r) => r.method === 'POST')!;
    expect(post.url).toBe(`${BASE}/api/v1/cmdb/imports/`);
    expect(post.headers.get('Content-Type')).toMatch(/^multipart\/form-data/);
    expect(((await post.formData()).get('file') as File).name).toBe('cmdb.xlsx');
    expect(job.id).toBe(9);
  });

  it('passes attribute errors on as fields named attributes.<code>', async () => {
    const { api } = setup(() =>
      json(
        {
          error: {
            code: 'cmdb.invalid_attributes',
            message: '提交的数据有误，请检查标红的字段',
            fields: { 'attributes.ip_address': ['请输入有效的 IP 地址'] },
            request_id: 'r1',
          },
        },
        400,
      ),
    );
    const error = await api.createCiItem({ ci_class: 1, code: 'vm-x', name: 'vm-x', attributes: { ip_address: '999.1.1.1' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).fieldError('attributes.ip_address')).toBe('请输入有效的 IP 地址');
  });
});
