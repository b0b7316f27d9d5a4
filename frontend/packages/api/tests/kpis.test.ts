import { describe, expect, it, vi } from 'vitest';

import { createHitsmClient, createKpiEndpoints } from '../src';

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
  return { api: createKpiEndpoints(client), requests };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('kpi endpoints', () => {
  it('asks for the set of a month with its filters, and recomputes only when told', async () => {
    const { api, requests } = setup(() => json({ period: '2026-11', layers: {}, kpis: [], computed_at: '', seconds: 0, cached: true }));
    await api.getKpiSet({ period: '2026-11', department: 4, kind: 'incident' });
    await api.getKpiSet({ period: '2026-11' }, { refresh: true });
    const first = new URL(requests[0]!.url);
    expect(first.pathname).toBe('/api/v1/kpis/');
    expect(Object.fromEntries(first.searchParams)).toEqual({ period: '2026-11', department: '4', kind: 'incident' });
    expect(new URL(requests[1]!.url).searchParams.get('refresh')).toBe('1');
  });

  it('reads a drill-down page with its part and paging', async () => {
    const { api, requests } = setup(() => json({ count: 1, next: null, previous: null, count_capped: false, results: [{ id: 3, number: 'INC-1' }] }));
    const page = await api.listKpiTickets('incidents_without_ci', { period: '2026-11', part: 'missed', page: 2, page_size: 10 });
    expect(page.count).toBe(1);
    expect(page.results[0]?.number).toBe('INC-1');
    const url = new URL(requests[0]!.url);
    expect(url.pathname).toBe('/api/v1/kpis/incidents_without_ci/tickets/');
    expect(Object.fromEntries(url.searchParams)).toEqual({ period: '2026-11', part: 'missed', page: '2', page_size: '10' });
  });

  it('asks for twelve months of trend by default and as many as told', async () => {
    const { api, requests } = setup(() => json([]));
    await api.getKpiTrend('overdue', { period: '2026-11', months: 6 });
    const url = new URL(requests[0]!.url);
    expect(url.pathname).toBe('/api/v1/kpis/overdue/trend/');
    expect(url.searchParams.get('months')).toBe('6');
  });

  it('downloads the export under the server’s file name', async () => {
    const { api, requests } = setup(
      () =>
        new Response(new Blob(['PK']), {
          headers: { 'Content-Disposition': "attachment; filename*=UTF-8''kpi-2026-11.xlsx" },
        }),
    );
    const { filename, blob } = await api.exportKpis({ period: '2026-11', group: 2 });
    expect(filename).toBe('kpi-2026-11.xlsx');
    expect(await blob.text()).toBe('PK');
    expect(new URL(requests[0]!.url).search).toBe('?period=2026-11&group=2');
  });

  it('starts the background computation with the filters, sending the CSRF token', async () => {
    const { api, requests } = setup(() => json({ id: 9, status: 'queued' }, 202));
    const job = await api.startKpiJob({ period: '2026-11' });
    expect(job.id).toBe(9);
    const post = requests.find((r) => r.method === 'POST')!;
    expect(new URL(post.url).pathname).toBe('/api/v1/kpis/jobs/');
    expect(post.headers.get('X-CSRFToken')).toBe('tok');
  });
});
