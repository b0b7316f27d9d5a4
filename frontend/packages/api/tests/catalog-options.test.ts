import { describe, expect, it, vi } from 'vitest';

import { createEndpoints, createHitsmClient } from '../src';

const BASE = 'http://hitsm.test';

function setup(body: unknown) {
  const requests: Request[] = [];
  const fetch = vi.fn(async (request: Request) => {
    requests.push(request.clone());
    return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
  });
  const client = createHitsmClient({
    baseUrl: BASE,
    fetch,
    readCookie: () => null,
    settings: { getLocale: () => 'zh-CN', fallbackMessage: () => 'x', onUnauthorized: () => undefined },
  });
  return { api: createEndpoints(client), requests };
}

describe('catalog form options', () => {
  it('searches one source by trimmed text and CI class', async () => {
    const rows = [{ value: 7, label: 'HIS 应用', hint: '应用系统' }];
    const { api, requests } = setup(rows);
    expect(await api.getCatalogOptions({ source: 'cis', q: ' his ', ci_class: 'application' })).toEqual(rows);
    const url = new URL(requests[0]!.url);
    expect(url.pathname).toBe('/api/v1/catalog/options/');
    expect(Object.fromEntries(url.searchParams)).toEqual({ source: 'cis', q: 'his', ci_class: 'application' });
  });

  it('labels chosen ids, sent comma-separated, and asks nothing for none', async () => {
    const { api, requests } = setup([]);
    await api.getCatalogOptions({ source: 'users', q: 'ignored', ids: [3, 12] });
    expect(Object.fromEntries(new URL(requests[0]!.url).searchParams)).toEqual({ source: 'users', ids: '3,12' });
    expect(await api.getCatalogOptions({ source: 'users', ids: [] })).toEqual([]);
    expect(requests).toHaveLength(1);
  });
});
