// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';

import { parseCookie } from '../src';
import { documentCookieReader } from '../src/csrf';

describe('cookies', () => {
  it('parses one cookie out of a cookie header', () => {
    expect(parseCookie('hitsm_session=abc; csrftoken=x%3Dy; other=1', 'csrftoken')).toBe('x=y');
    expect(parseCookie('csrftoken2=a', 'csrftoken')).toBeNull();
  });
  it('reads document.cookie in the browser', () => {
    document.cookie = 'csrftoken=from-document';
    expect(documentCookieReader('csrftoken')).toBe('from-document');
  });
});
