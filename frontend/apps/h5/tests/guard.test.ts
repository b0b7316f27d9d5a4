import { describe, expect, it } from 'vitest';

import { decideH5Route, safeNext } from '@/router/guard';

describe('H5 route guard', () => {
  it('sends visitors without a session to login with the page to return to', () => {
    expect(decideH5Route({ name: 'profile', fullPath: '/me', query: {}, meta: {} }, false)).toEqual({
      name: 'login',
      query: { next: '/me' },
    });
    expect(decideH5Route({ name: 'home', fullPath: '/', query: {}, meta: {} }, false)).toEqual({ name: 'login' });
  });

  it('lets a signed-in user through and away from the login page', () => {
    expect(decideH5Route({ name: 'home', fullPath: '/', query: {}, meta: {} }, true)).toBe(true);
    expect(decideH5Route({ name: 'login', fullPath: '/login', query: { next: '/me' }, meta: { public: true } }, true)).toBe('/me');
    expect(decideH5Route({ name: 'login', fullPath: '/login', query: {}, meta: { public: true } }, false)).toBe(true);
  });

  it('keeps agent mode (我的任务) to IT staff', () => {
    const tasks = { name: 'my-tasks', fullPath: '/tasks', query: {}, meta: { staff: true } };
    expect(decideH5Route(tasks, true, true)).toBe(true);
    expect(decideH5Route(tasks, true, false)).toBe('/');
    expect(decideH5Route(tasks, false, false)).toEqual({ name: 'login', query: { next: '/tasks' } });
  });

  it('refuses unsafe next targets', () => {
    expect(safeNext('//evil.example')).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
  });
});
