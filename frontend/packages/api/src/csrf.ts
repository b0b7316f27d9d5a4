/** Django's CSRF protection for the session-cookie API (contract: "Auth"). */

export const CSRF_COOKIE = 'csrftoken';
export const CSRF_HEADER = 'X-CSRFToken';
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

export type CookieReader = (name: string) => string | null;

export function parseCookie(cookieHeader: string, name: string): string | null {
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      return decodeURIComponent(part.slice(eq + 1).trim());
    }
  }
  return null;
}

export const documentCookieReader: CookieReader = (name) =>
  typeof document === 'undefined' ? null : parseCookie(document.cookie, name);

/**
 * Fetches `GET /api/v1/auth/csrf/` once per page load (so the server can set the cookie), and
 * again only if the cookie has since disappeared. Concurrent callers share one request.
 */
export class CsrfPrimer {
  private primed = false;
  private pending: Promise<void> | null = null;

  constructor(
    private readonly fetchToken: () => Promise<unknown>,
    private readonly readCookie: CookieReader,
  ) {}

  ensure(): Promise<void> {
    if (this.pending) return this.pending;
    if (this.primed && this.readCookie(CSRF_COOKIE)) return Promise.resolve();
    this.pending = this.fetchToken()
      .then(() => {
        this.primed = true;
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  token(): string | null {
    return this.readCookie(CSRF_COOKIE);
  }
}
