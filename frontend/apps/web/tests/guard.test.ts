import { describe, expect, it } from 'vitest';

import { decideRoute, navKeysOf, safeNext, type GuardTarget } from '@/router/guard';

const nurse = { navigation: [{ key: 'home', path: '/', icon: 'House' }] };
const admin = {
  navigation: ['home', 'jobs', 'users', 'departments', 'user_import', 'tokens', 'security', 'system'].map((key) => ({
    key,
    path: `/${key}`,
    icon: 'Menu',
  })),
};

function target(partial: Partial<GuardTarget> & { fullPath: string }): GuardTarget {
  return { name: undefined, query: {}, meta: {}, ...partial };
}

describe('decideRoute', () => {
  it('sends a visitor without a session to login, remembering where they were going', () => {
    expect(decideRoute(target({ fullPath: '/users?page=2', meta: { navKey: 'users' } }), null)).toEqual({
      kind: 'redirect',
      to: { name: 'login', query: { next: '/users?page=2' } },
    });
  });

  it('does not add next=/ for the home page', () => {
    expect(decideRoute(target({ fullPath: '/', meta: { navKey: 'home' } }), null)).toEqual({
      kind: 'redirect',
      to: { name: 'login' },
    });
  });

  it('lets anyone open public pages', () => {
    expect(decideRoute(target({ name: 'login', fullPath: '/login', meta: { public: true } }), null)).toEqual({ kind: 'allow' });
    expect(decideRoute(target({ name: 'not-found', fullPath: '/x', meta: { public: true } }), nurse)).toEqual({ kind: 'allow' });
  });

  it('moves a signed-in user away from the login page to the safe next page', () => {
    const login = (next: string) => target({ name: 'login', fullPath: '/login', query: { next }, meta: { public: true } });
    expect(decideRoute(login('/jobs'), admin)).toEqual({ kind: 'redirect', to: '/jobs' });
    expect(decideRoute(login('https://evil.example/'), admin)).toEqual({ kind: 'redirect', to: '/' });
  });

  it('shows 403 for a page whose navigation key the server did not give', () => {
    expect(decideRoute(target({ fullPath: '/users', meta: { navKey: 'users' } }), nurse)).toEqual({
      kind: 'redirect',
      to: { name: 'forbidden', query: { from: '/users' } },
    });
    expect(decideRoute(target({ fullPath: '/users', meta: { navKey: 'users' } }), admin)).toEqual({ kind: 'allow' });
  });

  it('lets every signed-in user open pages without a navigation key (own security, 403)', () => {
    expect(decideRoute(target({ name: 'security', fullPath: '/security', meta: {} }), nurse)).toEqual({ kind: 'allow' });
    expect(decideRoute(target({ name: 'forbidden', fullPath: '/403', meta: {} }), nurse)).toEqual({ kind: 'allow' });
  });
});

describe('safeNext', () => {
  it('accepts same-site paths only', () => {
    expect(safeNext('/jobs?page=2')).toBe('/jobs?page=2');
    expect(safeNext(['/users'])).toBe('/users');
    expect(safeNext('//evil.example')).toBe('/');
    expect(safeNext('javascript:alert(1)')).toBe('/');
    expect(safeNext('/login?next=/x')).toBe('/');
    expect(safeNext(undefined)).toBe('/');
  });
});

describe('navKeysOf', () => {
  it('collects the keys the server granted', () => {
    expect([...navKeysOf(nurse)]).toEqual(['home']);
    expect(navKeysOf(null).size).toBe(0);
  });
});
