import { describe, expect, it, vi } from 'vitest';

import { ApiError, createEndpoints, createHitsmClient, type ApiSettings } from '../src';

const BASE = 'http://hitsm.test';

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

function setup(
  respond: (request: Request) => Response | Promise<Response>,
  settings: Partial<ApiSettings> = {},
) {
  const cookies = new Map<string, string>();
  const requests: Request[] = [];
  const fetch = vi.fn(async (request: Request) => {
    requests.push(request.clone());
    if (request.url.endsWith('/api/v1/auth/csrf/')) {
      cookies.set('csrftoken', 'tok-123');
      return new Response(null, { status: 204 });
    }
    return respond(request);
  });
  const onUnauthorized = vi.fn();
  const client = createHitsmClient({
    baseUrl: BASE,
    fetch,
    readCookie: (name) => cookies.get(name) ?? null,
    settings: {
      getLocale: () => 'zh-CN',
      fallbackMessage: (code, status) => `fallback:${code}:${status}`,
      onUnauthorized,
      ...settings,
    },
  });
  return { api: createEndpoints(client), requests, cookies, fetch, onUnauthorized };
}

const ME = {
  id: 1,
  username: 'nurse_li',
  display_name: '李护士',
  navigation: [{ key: 'home', path: '/', icon: 'House' }],
};

describe('error envelope', () => {
  it('turns the envelope into an ApiError with code, message, fields and request id', async () => {
    const { api } = setup(() =>
      json(400, {
        error: {
          code: 'validation_error',
          message: '提交的数据有误，请检查标红的字段',
          fields: { new_password: ['密码至少 10 位'] },
          request_id: 'a1b2c3',
        },
      }),
    );
    const error = await api.changePassword({ old_password: 'x', new_password: 'y' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError.status).toBe(400);
    expect(apiError.code).toBe('validation_error');
    expect(apiError.message).toBe('提交的数据有误，请检查标红的字段');
    expect(apiError.fieldError('new_password')).toBe('密码至少 10 位');
    expect(apiError.requestId).toBe('a1b2c3');
  });

  it('keeps the server message of a lockout', async () => {
    const { api } = setup(() =>
      json(403, { error: { code: 'auth.locked', message: '账号已锁定，请 30 分钟后再试', fields: {}, request_id: 'r' } }),
    );
    await expect(api.login({ username: 'lock_test', password: 'x' })).rejects.toMatchObject({
      name: 'ApiError',
      code: 'auth.locked',
      message: '账号已锁定，请 30 分钟后再试',
    });
  });

  it('uses the translated fallback when the body is not the envelope', async () => {
    const { api } = setup(() => new Response('<html>Bad Gateway</html>', { status: 502 }));
    await expect(api.getHealth()).rejects.toMatchObject({
      code: 'server_error',
      status: 502,
      message: 'fallback:server_error:502',
    });
  });

  it('reports a network failure as network_error', async () => {
    const { api } = setup(() => {
      throw new TypeError('fetch failed');
    });
    await expect(api.listJobs()).rejects.toMatchObject({ code: 'network_error', status: 0 });
  });

  it('calls onUnauthorized for a 401 from a normal endpoint but not from me or login', async () => {
    const body = { error: { code: 'not_authenticated', message: '请先登录', fields: {}, request_id: 'r' } };
    const { api, onUnauthorized } = setup(() => json(401, body));
    await expect(api.getMe()).rejects.toBeInstanceOf(ApiError);
    await expect(api.login({ username: 'a', password: 'b' })).rejects.toBeInstanceOf(ApiError);
    expect(onUnauthorized).not.toHaveBeenCalled();
    await expect(api.listUsers()).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });
});

describe('CSRF and headers', () => {
  it('fetches the CSRF cookie once, then sends X-CSRFToken on unsafe methods only', async () => {
    const { api, requests } = setup((request) =>
      request.method === 'POST' && request.url.endsWith('/auth/login/') ? json(200, ME) : json(200, ME),
    );
    await api.getMe();
    expect(requests.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual(['GET /api/v1/auth/me/']);
    expect(requests[0]?.headers.get('X-CSRFToken')).toBeNull();

    await api.login({ username: 'nurse_li', password: 'Nurse@Hitsm2026' });
    await api.login({ username: 'nurse_li', password: 'Nurse@Hitsm2026' });
    const paths = requests.map((r) => `${r.method} ${new URL(r.url).pathname}`);
    expect(paths).toEqual([
      'GET /api/v1/auth/me/',
      'GET /api/v1/auth/csrf/',
      'POST /api/v1/auth/login/',
      'POST /api/v1/auth/login/',
    ]);
    const posts = requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.headers.get('X-CSRFToken'))).toEqual(['tok-123', 'tok-123']);
    expect(posts[0]?.credentials).toBe('same-origin');
  });

  it('reads the cookie on every request, so a token rotated at login is used', async () => {
    const { api, requests, cookies } = setup(() => new Response(null, { status: 204 }));
    await api.logout();
    cookies.set('csrftoken', 'rotated');
    await api.deleteToken(7);
    const del = requests.find((r) => r.method === 'DELETE');
    expect(new URL(del!.url).pathname).toBe('/api/v1/auth/tokens/7/');
    expect(del?.headers.get('X-CSRFToken')).toBe('rotated');
  });

  it('shares one CSRF request between concurrent unsafe calls', async () => {
    const { api, requests } = setup(() => new Response(null, { status: 204 }));
    await Promise.all([api.logout(), api.unlockUser(3), api.deleteToken(1)]);
    expect(requests.filter((r) => r.url.endsWith('/auth/csrf/'))).toHaveLength(1);
  });

  it('sends Accept-Language from the current locale', async () => {
    let locale: 'zh-CN' | 'en' = 'zh-CN';
    const { api, requests } = setup(() => json(200, ME), { getLocale: () => locale });
    await api.getMe();
    locale = 'en';
    await api.getMe();
    expect(requests.map((r) => r.headers.get('Accept-Language'))).toEqual(['zh-hans', 'en']);
  });

  it('uploads the import file as multipart without a JSON content type', async () => {
    const job = { id: 5, status: 'queued' };
    const { api, requests } = setup(() => json(202, job));
    const file = new File(['username,display_name\n'], 'users.csv', { type: 'text/csv' });
    await expect(api.uploadUserImport(file, 'users.csv')).resolves.toEqual(job);
    const upload = requests.find((r) => r.url.endsWith('/user-imports/'));
    expect(upload?.headers.get('Content-Type')).toMatch(/^multipart\/form-data; boundary=/);
    const form = await upload!.formData();
    expect((form.get('file') as File).name).toBe('users.csv');
  });

  it('passes list filters as query parameters', async () => {
    const { api, requests } = setup(() => json(200, { count: 0, next: null, previous: null, results: [] }));
    await api.listUsers({ search: '李', department: 3, role: 'requester', is_active: true, page: 2, page_size: 20 });
    const url = new URL(requests[0]!.url);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      search: '李',
      department: '3',
      role: 'requester',
      is_active: 'true',
      page: '2',
      page_size: '20',
    });
  });
});
