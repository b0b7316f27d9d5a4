import { describe, expect, it, vi } from 'vitest';

import {
  ApiError,
  createHitsmClient,
  createWecomEndpoints,
  wecomOauthStartUrl,
  type WecomChat,
  type WecomConfig,
  type WecomOutboundMessage,
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
  const sent = () => requests.filter((r) => !r.url.endsWith('/auth/csrf/'));
  return { api: createWecomEndpoints(client), sent };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const pathOf = (request: Request | undefined) => new URL(request?.url ?? '').pathname;

const CONFIG: WecomConfig = {
  enabled: true,
  corp_id: 'ww123',
  agent_id: 1000002,
  base_url: 'https://qyapi.weixin.qq.com',
  oauth_base_url: 'https://open.weixin.qq.com',
  proxy: '',
  secret_set: true,
  token_set: false,
  encoding_aes_key_set: false,
  secret_source: 'db',
  callback_url: 'https://itsm.example/api/v1/wecom/callback/',
  h5_url: 'https://itsm.example/h5/',
  updated_at: '2026-03-01T08:00:00+08:00',
};

describe('WeCom settings', () => {
  it('reads the settings and saves them with CSRF, leaving out empty secrets so the stored ones stay', async () => {
    const { api, sent } = setup(() => json(CONFIG));
    expect((await api.getWecomConfig()).corp_id).toBe('ww123');
    await api.saveWecomConfig({
      enabled: true,
      corp_id: 'ww123',
      agent_id: 1000002,
      base_url: 'https://qyapi.weixin.qq.com',
      oauth_base_url: 'https://open.weixin.qq.com',
      proxy: '',
      secret: '  ',
      token: 'tok123',
      encoding_aes_key: '',
    });
    const [get, put] = sent();
    expect(get?.method).toBe('GET');
    expect(pathOf(get)).toBe('/api/v1/wecom/config/');
    expect(put?.method).toBe('PUT');
    expect(put?.headers.get('X-CSRFToken')).toBe('tok');
    const body = (await put?.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ corp_id: 'ww123', agent_id: 1000002, token: 'tok123' });
    expect(body).not.toHaveProperty('secret');
    expect(body).not.toHaveProperty('encoding_aes_key');
  });

  it('turns a refused save into an ApiError with the field messages', async () => {
    const { api } = setup(() =>
      json({ error: { code: 'validation_error', message: '输入有误', fields: { encoding_aes_key: ['须为 43 位'] } } }, 400),
    );
    const error = await api.saveWecomConfig({ ...CONFIG, encoding_aes_key: 'short' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).fieldError('encoding_aes_key')).toBe('须为 43 位');
  });

  it('generates callback keys and tests the connection by POST', async () => {
    const { api, sent } = setup((request) =>
      request.url.includes('generate')
        ? json({ token: 'T', encoding_aes_key: 'K'.repeat(43) })
        : json({ ok: false, message: '企业 ID 或 Secret 不正确', errcode: 40001, elapsed_ms: 120 }),
    );
    expect((await api.generateWecomCallbackKeys()).encoding_aes_key).toHaveLength(43);
    const result = await api.testWecomConnection();
    expect(result).toEqual({ ok: false, message: '企业 ID 或 Secret 不正确', errcode: 40001, elapsed_ms: 120 });
    expect(sent().map((r) => [r.method, pathOf(r)])).toEqual([
      ['POST', '/api/v1/wecom/config/generate-callback-keys/'],
      ['POST', '/api/v1/wecom/config/test/'],
    ]);
  });
});

describe('WeCom message logs', () => {
  it('lists with only the filters that are set', async () => {
    const { api, sent } = setup(() => json({ count: 0, next: null, previous: null, results: [] }));
    await api.listWecomInbound({ status: 'failed', msg_type: '', search: '打印机', page: 2 });
    await api.listWecomOutbound({ status: '', kind: 'template_card' });
    const [inbound, outbound] = sent();
    expect(pathOf(inbound)).toBe('/api/v1/wecom/inbound/');
    const query = new URL(inbound?.url ?? '').searchParams;
    expect(Object.fromEntries(query)).toEqual({ status: 'failed', search: '打印机', page: '2' });
    expect(new URL(outbound?.url ?? '').search).toBe('?kind=template_card');
  });

  it('retries a failed message and reports a conflict for any other', async () => {
    const row = { id: 5, status: 'pending', attempts: 3 } as WecomOutboundMessage;
    const { api, sent } = setup((request) =>
      request.url.includes('/5/') ? json(row) : json({ error: { code: 'conflict', message: '只能重发失败的消息' } }, 409),
    );
    expect((await api.retryWecomOutbound(5)).status).toBe('pending');
    const error = (await api.retryWecomOutbound(6).catch((e: unknown) => e)) as ApiError;
    expect([error.status, error.code, error.message]).toEqual([409, 'conflict', '只能重发失败的消息']);
    expect(sent().map((r) => [r.method, pathOf(r)])).toEqual([
      ['POST', '/api/v1/wecom/outbound/5/retry/'],
      ['POST', '/api/v1/wecom/outbound/6/retry/'],
    ]);
  });
});

describe('WeCom sign-in and the JS-SDK', () => {
  it('asks the public status without CSRF', async () => {
    const { api, sent } = setup(() => json({ enabled: true, oauth: true }));
    expect(await api.getWecomStatus()).toEqual({ enabled: true, oauth: true });
    expect(sent()[0]?.headers.get('X-CSRFToken')).toBeNull();
  });

  it('builds the OAuth start address with the next page encoded', () => {
    expect(wecomOauthStartUrl('/h5/tickets/5?tab=a&b=1')).toBe(
      '/api/v1/wecom/oauth/start/?next=%2Fh5%2Ftickets%2F5%3Ftab%3Da%26b%3D1',
    );
  });

  it('asks the signatures for the page address without its hash', async () => {
    const signatures = {
      corp: { appId: 'ww123', timestamp: 1, nonceStr: 'n', signature: 's' },
      agent: { corpid: 'ww123', agentid: 1000002, timestamp: 1, nonceStr: 'n', signature: 'a' },
    };
    const { api, sent } = setup(() => json(signatures));
    expect(await api.getWecomJssdkSignatures('https://itsm.example/h5/tickets/new?x=1#top')).toEqual(signatures);
    expect(new URL(sent()[0]?.url ?? '').searchParams.get('url')).toBe('https://itsm.example/h5/tickets/new?x=1');
  });
});

describe('incident group chats', () => {
  const chat: WecomChat = {
    id: 1,
    ticket: 9,
    chat_id: 'wrx1',
    name: 'INC-9 打印机故障',
    members: [{ userid: 'wang', display_name: '王工' }],
    created_at: '2026-03-01T08:00:00+08:00',
  };

  it('lists the chats of a ticket and creates one', async () => {
    const { api, sent } = setup((request) => (request.method === 'GET' ? json({ results: [chat] }) : json(chat, 201)));
    expect(await api.listWecomChats(9)).toEqual([chat]);
    expect((await api.createWecomChat(9)).name).toBe('INC-9 打印机故障');
    const [list, create] = sent();
    expect(new URL(list?.url ?? '').search).toBe('?ticket=9');
    expect(create?.method).toBe('POST');
    expect(await create?.json()).toEqual({ ticket: 9 });
  });

  it('passes on the stable error codes', async () => {
    const { api } = setup(() => json({ error: { code: 'wecom.chat_exists', message: '已有企业微信群' } }, 409));
    await expect(api.createWecomChat(9)).rejects.toMatchObject({ status: 409, code: 'wecom.chat_exists' });
  });
});

describe('photos and voice taken with the JS-SDK', () => {
  const attachment = { id: 31, original_name: 'wecom-1.jpg', content_type: 'image/jpeg', kind: 'image', size: 1024 };

  it('attaches the media ids to the ticket in one POST with CSRF', async () => {
    const { api, sent } = setup(() => json([attachment], 201));
    expect(await api.wecomMediaAttach(9, ['media-1', 'media-v1'])).toEqual([attachment]);
    const [post] = sent();
    expect([post?.method, pathOf(post)]).toEqual(['POST', '/api/v1/wecom/media/']);
    expect(post?.headers.get('X-CSRFToken')).toBe('tok');
    expect(await post?.json()).toEqual({ ticket: 9, media_ids: ['media-1', 'media-v1'] });
  });

  it('passes on an expired media id as wecom.bad_media', async () => {
    const { api } = setup(() => json({ error: { code: 'wecom.bad_media', message: '企业微信媒体文件无效或已过期（40007）' } }, 400));
    await expect(api.wecomMediaAttach(9, ['old'])).rejects.toMatchObject({ status: 400, code: 'wecom.bad_media' });
  });
});
