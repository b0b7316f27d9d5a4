import { describe, expect, it } from 'vitest';

import { ago, formatDate, formatDateTime, fromNow, greetingKey, hourOfDay, secondsBetween } from '../src';

describe('formatDateTime', () => {
  it('shows UTC instants in Asia/Shanghai as YYYY-MM-DD HH:mm, 24-hour', () => {
    expect(formatDateTime('2026-01-02T06:05:00Z')).toBe('2026-01-02 14:05');
    expect(formatDateTime('2026-12-31T16:30:00Z')).toBe('2027-01-01 00:30');
  });
  it('keeps instants that already carry +08:00', () => {
    expect(formatDateTime('2027-02-23T08:00:00+08:00')).toBe('2027-02-23 08:00');
    expect(formatDate('2027-02-23T08:00:00+08:00')).toBe('2027-02-23');
  });
  it('can use another zone', () => {
    expect(formatDateTime('2026-01-02T06:05:00Z', 'UTC')).toBe('2026-01-02 06:05');
  });
  it('returns an empty string for missing or invalid values', () => {
    expect(formatDateTime(null)).toBe('');
    expect(formatDateTime(undefined)).toBe('');
    expect(formatDateTime('')).toBe('');
    expect(formatDateTime('not a date')).toBe('');
  });
});

describe('fromNow', () => {
  const now = '2026-03-01T10:00:00+08:00';
  it('speaks Chinese relative times', () => {
    expect(fromNow('2026-03-01T09:57:00+08:00', 'zh-CN', now)).toBe('3 分钟前');
    expect(fromNow('2026-03-01T08:00:00+08:00', 'zh-CN', now)).toBe('2 小时前');
    expect(fromNow('2026-02-27T10:00:00+08:00', 'zh-CN', now)).toBe('2 天前');
    expect(fromNow('2026-03-01T09:59:50+08:00', 'zh-CN', now)).toBe('几秒前');
  });
  it('speaks English relative times', () => {
    expect(fromNow('2026-03-01T09:57:00+08:00', 'en', now)).toBe('3 minutes ago');
  });
  it('does not change the global dayjs locale', () => {
    fromNow('2026-03-01T09:57:00+08:00', 'zh-CN', now);
    expect(fromNow('2026-03-01T09:57:00+08:00', 'en', now)).toBe('3 minutes ago');
  });
  it('returns an empty string for a missing value', () => {
    expect(fromNow(null, 'zh-CN', now)).toBe('');
  });
});

describe('ago', () => {
  const now = '2026-03-01T10:00:00+08:00';
  it('speaks of the past like fromNow', () => {
    expect(ago('2026-03-01T09:57:00+08:00', 'zh-CN', now)).toBe('3 分钟前');
  });
  it('never says "in a few seconds" when the server clock runs ahead', () => {
    expect(ago('2026-03-01T10:00:03+08:00', 'zh-CN', now)).toBe('几秒前');
    expect(ago('2026-03-01T10:00:03+08:00', 'en', now)).toBe('a few seconds ago');
  });
  it('returns an empty string for a missing value', () => {
    expect(ago(undefined, 'zh-CN', now)).toBe('');
  });
});

describe('helpers', () => {
  it('measures durations in seconds', () => {
    expect(secondsBetween('2026-03-01T10:00:00Z', '2026-03-01T10:01:05Z')).toBe(65);
    expect(secondsBetween('2026-03-01T10:00:00Z', null)).toBeNull();
  });
  it('knows the hour in Shanghai', () => {
    expect(hourOfDay('2026-03-01T23:30:00Z')).toBe(7);
  });
});

describe('greetingKey', () => {
  it('greets by the hour in Shanghai', () => {
    expect(greetingKey('2026-03-01T00:30:00Z')).toBe('home.greeting_morning'); // 08:30
    expect(greetingKey('2026-03-01T04:00:00Z')).toBe('home.greeting_noon'); // 12:00
    expect(greetingKey('2026-03-01T07:00:00Z')).toBe('home.greeting_afternoon'); // 15:00
    expect(greetingKey('2026-03-01T12:00:00Z')).toBe('home.greeting_evening'); // 20:00
  });
});
