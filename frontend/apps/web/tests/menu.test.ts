import { describe, expect, it } from 'vitest';

import { activeMenuKey, buildMenu } from '@/router/menu';

const routes = new Set(['home', 'jobs', 'users', 'security', 'login', 'forbidden']);

describe('buildMenu', () => {
  it('builds the menu only from the server navigation, in its order', () => {
    const menu = buildMenu(
      [
        { key: 'users', path: '/users', icon: 'User' },
        { key: 'home', path: '/', icon: 'House' },
      ],
      routes,
    );
    expect(menu).toEqual([
      { key: 'users', labelKey: 'nav.users', icon: 'User', routeName: 'users' },
      { key: 'home', labelKey: 'nav.home', icon: 'House', routeName: 'home' },
    ]);
  });

  it('turns keys without an SPA page into external links (API docs)', () => {
    expect(buildMenu([{ key: 'api_docs', path: '/api/docs/', icon: 'Document' }], routes)).toEqual([
      { key: 'api_docs', labelKey: 'nav.api_docs', icon: 'Document', href: '/api/docs/' },
    ]);
  });

  it('drops duplicates and unknown keys without a path', () => {
    const menu = buildMenu(
      [
        { key: 'home', path: '/', icon: 'House' },
        { key: 'home', path: '/', icon: 'House' },
        { key: 'future', path: '', icon: 'Star' },
      ],
      routes,
    );
    expect(menu.map((e) => e.key)).toEqual(['home']);
  });

  it('gives a nurse and an admin different menus', () => {
    const nurse = buildMenu([{ key: 'home', path: '/', icon: 'House' }], routes);
    const admin = buildMenu(
      [
        { key: 'home', path: '/', icon: 'House' },
        { key: 'users', path: '/users', icon: 'User' },
      ],
      routes,
    );
    expect(nurse.some((e) => e.key === 'users')).toBe(false);
    expect(admin.some((e) => e.key === 'users')).toBe(true);
  });
});

describe('activeMenuKey', () => {
  const menu = buildMenu([{ key: 'jobs', path: '/jobs', icon: 'List' }], routes);
  it('highlights the entry of the current page', () => {
    expect(activeMenuKey('jobs', menu)).toBe('jobs');
    expect(activeMenuKey('users', menu)).toBe('');
    expect(activeMenuKey(undefined, menu)).toBe('');
  });
});
