/**
 * Route access as a pure function of the target route and the signed-in user, so the rules can
 * be tested without a router: public pages are open; everything else needs a session; a page
 * tied to a navigation key needs that key in `me.navigation` (the server decides by role).
 */
import type { Me } from '@hitsm/api';

export interface GuardTarget {
  name?: string | symbol | null | undefined;
  fullPath: string;
  query: Record<string, unknown>;
  meta: { public?: boolean; navKey?: string };
}

export type GuardDecision =
  | { kind: 'allow' }
  | { kind: 'redirect'; to: { name: string; query?: Record<string, string> } | string };

export const LOGIN_ROUTE = 'login';
export const FORBIDDEN_ROUTE = 'forbidden';

/** Only same-site absolute paths may be a post-login target (no `//evil.example`, no URLs). */
export function safeNext(next: unknown, fallback = '/'): string {
  const value = Array.isArray(next) ? next[0] : next;
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//')) return fallback;
  if (value.startsWith('/login')) return fallback;
  return value;
}

export function navKeysOf(me: Pick<Me, 'navigation'> | null): Set<string> {
  return new Set((me?.navigation ?? []).map((item) => item.key));
}

export function decideRoute(to: GuardTarget, me: Pick<Me, 'navigation'> | null): GuardDecision {
  if (to.meta.public) {
    if (to.name === LOGIN_ROUTE && me) return { kind: 'redirect', to: safeNext(to.query.next) };
    return { kind: 'allow' };
  }
  if (!me) {
    const query = to.fullPath === '/' ? undefined : { next: to.fullPath };
    return { kind: 'redirect', to: query ? { name: LOGIN_ROUTE, query } : { name: LOGIN_ROUTE } };
  }
  if (to.meta.navKey && !navKeysOf(me).has(to.meta.navKey)) {
    return { kind: 'redirect', to: { name: FORBIDDEN_ROUTE, query: { from: to.fullPath } } };
  }
  return { kind: 'allow' };
}
