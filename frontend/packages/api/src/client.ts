import createClient, { type Client, type Middleware } from 'openapi-fetch';

import { CSRF_HEADER, CsrfPrimer, SAFE_METHODS, documentCookieReader, type CookieReader } from './csrf';
import { ApiError, apiErrorFromResponse, type ErrorCode } from './errors';
import type { paths } from './schema';

export type UiLocale = 'zh-CN' | 'en';

/** `Accept-Language` value the Django backend understands for a UI locale. */
export function serverLanguage(locale: UiLocale): 'zh-hans' | 'en' {
  return locale === 'en' ? 'en' : 'zh-hans';
}

export interface ApiSettings {
  /** Current UI locale, read on every request. */
  getLocale: () => UiLocale;
  /** Translated text for failures that carry no server message. */
  fallbackMessage: (code: ErrorCode, status: number) => string;
  /** Called for every 401 except from `auth/login/` and `auth/me/` (the app decides there). */
  onUnauthorized: (error: ApiError) => void;
}

export interface ApiClientOptions {
  baseUrl?: string;
  fetch?: (request: Request) => Promise<Response>;
  readCookie?: CookieReader;
  settings?: ApiSettings;
}

export type HitsmClient = Client<paths>;

/** Paths whose 401 is an expected answer, not an expired session. */
const UNAUTHORIZED_IS_NORMAL = ['/api/v1/auth/login/', '/api/v1/auth/me/'];

export const defaultSettings: ApiSettings = {
  getLocale: () => 'zh-CN',
  fallbackMessage: (_code, status) => (status === 0 ? 'Network error' : `HTTP ${status}`),
  onUnauthorized: () => undefined,
};

/** Settings shared by the default client; apps call {@link configureApi} once at start-up. */
const sharedSettings: ApiSettings = { ...defaultSettings };

export function configureApi(settings: Partial<ApiSettings>): void {
  Object.assign(sharedSettings, settings);
}

export function createHitsmClient(options: ApiClientOptions = {}): HitsmClient {
  const settings = options.settings ?? sharedSettings;
  const readCookie = options.readCookie ?? documentCookieReader;
  const doFetch = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? '',
    credentials: 'same-origin',
    fetch: doFetch,
  });
  const csrf = new CsrfPrimer(() => client.GET('/api/v1/auth/csrf/'), readCookie);

  const middleware: Middleware = {
    async onRequest({ request }) {
      request.headers.set('Accept-Language', serverLanguage(settings.getLocale()));
      if (!SAFE_METHODS.has(request.method.toUpperCase())) {
        await csrf.ensure();
        const token = csrf.token();
        if (token) request.headers.set(CSRF_HEADER, token);
      }
      return request;
    },
    async onResponse({ response, schemaPath }) {
      if (response.ok) return undefined;
      const error = await apiErrorFromResponse(response, settings.fallbackMessage);
      if (error.status === 401 && !UNAUTHORIZED_IS_NORMAL.includes(schemaPath)) {
        settings.onUnauthorized(error);
      }
      throw error;
    },
    onError({ error }) {
      if (error instanceof ApiError) return error;
      return new ApiError(0, 'network_error', settings.fallbackMessage('network_error', 0));
    },
  };
  client.use(middleware);
  return client;
}
