/**
 * WeCom endpoints (hitsm/wecom/api): the connection settings and callback keys, the
 * connection test, the inbound and outbound message logs with retry, whether WeCom sign-in is on
 * (public), the JS-SDK signatures for the H5 portal, photos and voice taken with the JS-SDK
 * (attached by media id) and a ticket's incident group chat.
 *
 * Where the generated schema matches the contract (status, callback keys, connection test, JS-SDK
 * signatures, media attach) the types are derived by path like sla.ts and the calls are typed by
 * the schema. The settings, message logs and group chats keep the hand-written shapes below: the
 * generated ones are looser (every setting optional, `to_users: unknown`, chat members as a
 * string map), so those calls still go through the shared client typed with {@link WecomPaths}
 * (same CSRF, `Accept-Language` and error envelope middleware).
 *
 * `GET /api/v1/wecom/oauth/start/` is not an XHR: the browser navigates to {@link wecomOauthStartUrl}.
 */
import type { Client } from 'openapi-fetch';

import { createHitsmClient, type HitsmClient } from './client';
import { unwrap } from './errors';
import type { Attachment, RequestBody, ResponseData } from './types';

/** Where the server's WeCom secret comes from: `HITSM_WECOM_SECRET` (then read-only here), the database, or nowhere. */
export type WecomSecretSource = 'env' | 'db' | '';

export interface WecomConfig {
  enabled: boolean;
  corp_id: string;
  agent_id: number | null;
  base_url: string;
  oauth_base_url: string;
  proxy: string;
  secret_set: boolean;
  token_set: boolean;
  encoding_aes_key_set: boolean;
  secret_source: WecomSecretSource;
  /**
   * Settings the server's environment gives (they win over this page): `corp_id`, `agent_id`,
   * `secret`, `token`, `aes_key`… Not in the agreed contract; the server sends it, so it is optional.
   */
  from_env?: string[];
  /** What to paste into WeCom's console as the app's callback URL (receive messages). */
  callback_url: string;
  /** The H5 portal's address, for the app's home page and trusted domain. */
  h5_url: string;
  updated_at: string | null;
}

/** An omitted or empty secret, token or EncodingAESKey keeps the stored one. */
export interface WecomConfigInput {
  enabled: boolean;
  corp_id: string;
  agent_id: number | null;
  base_url: string;
  oauth_base_url: string;
  proxy: string;
  secret?: string;
  token?: string;
  /** 43 characters (WeCom's format). */
  encoding_aes_key?: string;
}

/** New random callback keys, already saved; shown once so they can be pasted into WeCom. */
export type WecomCallbackKeys = ResponseData<'/api/v1/wecom/config/generate-callback-keys/', 'post'>;

/** `message` is already in the user's language (Chinese by default), from the server. */
export type WecomTestResult = ResponseData<'/api/v1/wecom/config/test/', 'post'>;

export interface WecomTicketRef {
  id: number;
  number: string;
}

export interface WecomUserRef {
  id: number;
  display_name: string;
}

export type WecomInboundStatus = 'received' | 'processing' | 'done' | 'ignored' | 'failed';
/** The message types the log filter offers; WeCom sends others too (`location`, `link`…). */
export const WECOM_MSG_TYPES = ['text', 'image', 'voice', 'event'] as const;

export interface WecomInboundMessage {
  id: number;
  received_at: string;
  /** WeCom userid of the sender. */
  from_user: string;
  /** The HITSM user bound to that userid, if any. */
  user: WecomUserRef | null;
  /** WeCom's MsgType: `text`, `image`, `voice`, `event`, or another. */
  msg_type: string;
  event: string;
  summary: string;
  status: WecomInboundStatus;
  error: string;
  ticket: WecomTicketRef | null;
}

export interface WecomInboundQuery {
  status?: WecomInboundStatus | '';
  msg_type?: string;
  search?: string;
  page?: number;
  /** The shared pagination's size (default 20, at most 200). */
  page_size?: number;
}

export type WecomOutboundKind =
  | 'text'
  | 'markdown'
  | 'template_card'
  | 'update_card'
  | 'appchat_create'
  | 'appchat_update'
  | 'appchat_send';
export type WecomOutboundStatus = 'pending' | 'sending' | 'sent' | 'partial' | 'failed';

export interface WecomOutboundMessage {
  id: number;
  created_at: string;
  kind: WecomOutboundKind;
  to_users: string[];
  chat_id: string;
  summary: string;
  status: WecomOutboundStatus;
  attempts: number;
  next_attempt_at: string | null;
  errcode: number | null;
  last_error: string;
  /** Recipients WeCom refused (not in the app's visible range, left the corp…). */
  invalid_users: string[];
  sent_at: string | null;
  ticket: WecomTicketRef | null;
}

export interface WecomOutboundQuery {
  status?: WecomOutboundStatus | '';
  kind?: WecomOutboundKind | '';
  page?: number;
  page_size?: number;
}

export interface WecomPage<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** Public: whether WeCom is on and whether its sign-in (OAuth) can be offered. */
export type WecomStatus = ResponseData<'/api/v1/wecom/status/', 'get'>;

/** Both JS-SDK signatures for one page URL: `corp` for `wx.config`, `agent` for `wx.agentConfig`. */
export type WecomJssdkSignatures = ResponseData<'/api/v1/wecom/jssdk/', 'get'>;
/** The JS-SDK's `wx.config` signature (corp identity) for one page URL. */
export type WecomCorpSignature = WecomJssdkSignatures['corp'];
/** The JS-SDK's `wx.agentConfig` signature (app identity) for one page URL. */
export type WecomAgentSignature = WecomJssdkSignatures['agent'];

/** Photos and voice taken with the JS-SDK: the ticket and 1–9 WeCom media ids (`serverId`s). */
export type WecomMediaAttachRequest = RequestBody<'/api/v1/wecom/media/', 'post'>;

export interface WecomChatMember {
  /** WeCom userid. */
  userid: string;
  display_name: string;
}

/** An incident's WeCom group chat (assignee, first/second responsible, the requester's department head). */
export interface WecomChat {
  id: number;
  ticket: number;
  chat_id: string;
  name: string;
  members: WecomChatMember[];
  created_at: string;
}

// --- The contract as openapi-fetch path types (the shape openapi-typescript generates). -----------

interface Json<T> {
  headers: { [name: string]: unknown };
  content: { 'application/json': T };
}
interface NoParams {
  query?: never;
  header?: never;
  path?: never;
  cookie?: never;
}
interface Operation<Response, Params = NoParams> {
  parameters: Params;
  requestBody?: never;
  responses: { 200: Json<Response>; 201: Json<Response> };
}
interface BodyOperation<Response, Body> {
  parameters: NoParams;
  requestBody: { content: { 'application/json': Body } };
  responses: { 200: Json<Response>; 201: Json<Response> };
}
interface PathItem {
  parameters: NoParams;
}
type IdParams = { query?: never; header?: never; path: { id: number }; cookie?: never };
type QueryOnly<Q> = { query?: Q; header?: never; path?: never; cookie?: never };

export interface WecomPaths {
  '/api/v1/wecom/config/': PathItem & {
    get: Operation<WecomConfig>;
    put: BodyOperation<WecomConfig, WecomConfigInput>;
  };
  '/api/v1/wecom/inbound/': PathItem & {
    get: Operation<WecomPage<WecomInboundMessage>, QueryOnly<WecomInboundQuery>>;
  };
  '/api/v1/wecom/outbound/': PathItem & {
    get: Operation<WecomPage<WecomOutboundMessage>, QueryOnly<WecomOutboundQuery>>;
  };
  '/api/v1/wecom/outbound/{id}/retry/': PathItem & { post: Operation<WecomOutboundMessage, IdParams> };
  '/api/v1/wecom/chats/': PathItem & {
    get: Operation<{ results: WecomChat[] }, QueryOnly<{ ticket: number }>>;
    post: BodyOperation<WecomChat, { ticket: number }>;
  };
}

/** Drop empty filters so `?status=` is never sent as "status is empty". */
function compact<T extends object>(query: T): T {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== '' && value !== undefined && value !== null)) as T;
}

/**
 * Where the browser goes (full page, not an XHR) to sign in with WeCom: the server redirects to
 * WeCom's OAuth page and, once back, to `next` (a same-site path such as `/h5/tickets/5`), or to
 * `/h5/login?wecom=unbound|failed`.
 */
export function wecomOauthStartUrl(next: string): string {
  return `/api/v1/wecom/oauth/start/?${new URLSearchParams({ next }).toString()}`;
}

export function createWecomEndpoints(client: HitsmClient) {
  // The same client object and middleware, typed with the hand-written shapes where the schema's are looser.
  const wecom = client as unknown as Client<WecomPaths>;
  return {
    /** The settings with secrets reduced to "set / not set" (admins). */
    async getWecomConfig(): Promise<WecomConfig> {
      return unwrap(await wecom.GET('/api/v1/wecom/config/'));
    },
    /** Saves the settings; empty secret, token or EncodingAESKey are left out and keep the stored ones. */
    async saveWecomConfig(body: WecomConfigInput): Promise<WecomConfig> {
      const sent: WecomConfigInput = { ...body };
      for (const key of ['secret', 'token', 'encoding_aes_key'] as const) {
        const value = sent[key]?.trim();
        if (value) sent[key] = value;
        else delete sent[key];
      }
      return unwrap(await wecom.PUT('/api/v1/wecom/config/', { body: sent }));
    },
    /** New random callback Token and EncodingAESKey, saved at once; the answer is the only time they are shown. */
    async generateWecomCallbackKeys(): Promise<WecomCallbackKeys> {
      return unwrap(await client.POST('/api/v1/wecom/config/generate-callback-keys/'));
    },
    /** Fetches an access token with the saved settings; never throws for WeCom's own refusals (`ok: false`). */
    async testWecomConnection(): Promise<WecomTestResult> {
      return unwrap(await client.POST('/api/v1/wecom/config/test/'));
    },

    async listWecomInbound(query: WecomInboundQuery = {}): Promise<WecomPage<WecomInboundMessage>> {
      return unwrap(await wecom.GET('/api/v1/wecom/inbound/', { params: { query: compact(query) } }));
    },
    async listWecomOutbound(query: WecomOutboundQuery = {}): Promise<WecomPage<WecomOutboundMessage>> {
      return unwrap(await wecom.GET('/api/v1/wecom/outbound/', { params: { query: compact(query) } }));
    },
    /** Queue a failed message again (409 for any other status). */
    async retryWecomOutbound(id: number): Promise<WecomOutboundMessage> {
      return unwrap(await wecom.POST('/api/v1/wecom/outbound/{id}/retry/', { params: { path: { id } } }));
    },

    /** Public (no login needed): whether WeCom and its sign-in are on. */
    async getWecomStatus(): Promise<WecomStatus> {
      return unwrap(await client.GET('/api/v1/wecom/status/'));
    },
    /** Both JS-SDK signatures for a page; `url` is the page's address without the `#` part. */
    async getWecomJssdkSignatures(url: string): Promise<WecomJssdkSignatures> {
      return unwrap(await client.GET('/api/v1/wecom/jssdk/', { params: { query: { url: url.split('#')[0] ?? url } } }));
    },
    /**
     * Attach photos and voice taken in WeCom's browser (`uploadImage` / `uploadVoice` `serverId`s,
     * 1–9 in one call): the server fetches them from WeCom. Errors: 400 `wecom.bad_media` (expired
     * or invalid id), 503 `wecom.unavailable`, 400 `wecom.disabled`, 404 for a ticket not visible.
     */
    async wecomMediaAttach(ticket: number, mediaIds: readonly string[]): Promise<Attachment[]> {
      return unwrap(await client.POST('/api/v1/wecom/media/', { body: { ticket, media_ids: [...mediaIds] } }));
    },

    /** The ticket's WeCom group chat(s); empty when none was created. */
    async listWecomChats(ticket: number): Promise<WecomChat[]> {
      return unwrap(await wecom.GET('/api/v1/wecom/chats/', { params: { query: { ticket } } })).results;
    },
    /** Creates the incident's group chat in WeCom (409 `wecom.chat_exists`, 400 `wecom.disabled`). */
    async createWecomChat(ticket: number): Promise<WecomChat> {
      return unwrap(await wecom.POST('/api/v1/wecom/chats/', { body: { ticket } }));
    },
  };
}

export type WecomEndpoints = ReturnType<typeof createWecomEndpoints>;

/** The WeCom endpoints over the shared, browser-configured client (settings via `configureApi`). */
export const wecomApi: WecomEndpoints = createWecomEndpoints(createHitsmClient());

export const {
  getWecomConfig,
  saveWecomConfig,
  generateWecomCallbackKeys,
  testWecomConnection,
  listWecomInbound,
  listWecomOutbound,
  retryWecomOutbound,
  getWecomStatus,
  getWecomJssdkSignatures,
  wecomMediaAttach,
  listWecomChats,
  createWecomChat,
} = wecomApi;
