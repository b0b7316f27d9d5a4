/** H5 access rules as a pure function: every page but login needs a session. */
export interface H5GuardTarget {
  name?: string | symbol | null | undefined;
  fullPath: string;
  query: Record<string, unknown>;
  /** `staff`: IT staff only (agent mode); others land on the home page. */
  meta: { public?: boolean; staff?: boolean };
}

export type H5Decision = true | string | { name: 'login'; query?: { next: string } };

export function safeNext(next: unknown, fallback = '/'): string {
  const value = Array.isArray(next) ? next[0] : next;
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/login')) {
    return fallback;
  }
  return value;
}

export function decideH5Route(to: H5GuardTarget, signedIn: boolean, staff = false): H5Decision {
  if (to.meta.public) return to.name === 'login' && signedIn ? safeNext(to.query.next) : true;
  if (signedIn) return to.meta.staff && !staff ? '/' : true;
  return to.fullPath === '/' ? { name: 'login' } : { name: 'login', query: { next: to.fullPath } };
}
