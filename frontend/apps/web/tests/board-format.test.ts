import type { BoardToday, Kpi } from '@hitsm/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { clockText, deskTiles, kpiBoardTile, minutesText, nextPage, percentText, scoreText } from '@/components/boards/board-format';
import { createRotation } from '@/components/boards/rotation';
import { i18n, setLocale } from '@/i18n';
import { landingRedirect } from '@/router/landing';
import { rotateSeconds } from '@/views/dashboards/wallboard/use-wallboard';

import { COUNTS } from './fixtures';

const t = (key: string, params?: Record<string, unknown>) => i18n.global.t(key, params ?? {});

const TODAY: BoardToday = {
  new: 12,
  resolved: 9,
  avg_response_minutes: 7.6,
  avg_resolution_minutes: 125,
  response_attainment: 100,
  resolution_attainment: 87.5,
  by_channel: [{ channel: 'web', label: 'web', count: 12 }],
};

describe('board tiles', () => {
  beforeEach(() => setLocale('zh-CN'));

  it('formats minutes, percentages and scores, with a dash for nothing to count', () => {
    expect(minutesText(7.6, t)).toBe('8 分钟');
    expect(minutesText(125, t)).toBe('2 小时 5 分');
    expect(minutesText(120, t)).toBe('2 小时');
    expect(minutesText(null, t)).toBe('—');
    expect(percentText(87.5)).toBe('87.5%');
    expect(percentText(100)).toBe('100%');
    expect(percentText(null)).toBe('—');
    expect(scoreText(4.25)).toBe('4.3');
    expect(scoreText(null)).toBe('—');
  });

  it('shows the queues and today, alarming (with words) only on failures', () => {
    const tiles = deskTiles({ ...COUNTS, overdue: 0, unaccepted: 2 }, TODAY, t);
    const by = Object.fromEntries(tiles.map((tile) => [tile.key, tile]));
    expect(tiles.map((tile) => tile.key)).toEqual([
      'intake',
      'dispatch',
      'overdue',
      'unaccepted',
      'new_today',
      'resolved_today',
      'avg_response',
      'avg_resolution',
      'response_attainment',
      'resolution_attainment',
    ]);
    expect(by.intake).toMatchObject({ label: '受理队列', value: '2', queue: 'intake', blink: false });
    expect(by.unaccepted).toMatchObject({ value: '2', tone: 'alarm', blink: true });
    expect(by.unaccepted?.hint).toContain('超过 30 分钟无人受理');
    expect(by.overdue).toMatchObject({ value: '0', tone: 'good', blink: false });
    expect(by.new_today?.value).toBe('12');
    expect(by.avg_resolution?.value).toBe('2 小时 5 分');
    expect(by.response_attainment).toMatchObject({ value: '100%', tone: 'good' });
    expect(by.resolution_attainment).toMatchObject({ value: '87.5%', tone: 'warning' });
  });

  it('says when today has nothing to average yet', () => {
    const tiles = deskTiles(COUNTS, { ...TODAY, avg_response_minutes: null, response_attainment: null }, t);
    const by = Object.fromEntries(tiles.map((tile) => [tile.key, tile]));
    expect(by.avg_response).toMatchObject({ value: '—', hint: '今天还没有可计算的工单' });
    expect(by.response_attainment).toMatchObject({ value: '—', tone: 'neutral' });
  });

  it('shows a wall KPI as the KPI board does', () => {
    const kpi = {
      code: 'sla_response_attainment',
      name: '响应 SLA 达标率',
      unit: '%',
      available: true,
      higher_is_better: true,
      value: 92.3,
    } as Kpi;
    expect(kpiBoardTile(kpi, t)).toMatchObject({ value: '92.3%', tone: 'warning', label: '响应 SLA 达标率' });
    expect(kpiBoardTile({ ...kpi, value: null }, t).value).toBe('本期无数据');
    expect(kpiBoardTile({ ...kpi, available: false }, t).value).toBe('待满意度调查上线');
    expect(kpiBoardTile({ ...kpi, code: 'response_time_mean', unit: 'minutes', higher_is_better: false, value: 90 }, t)).toMatchObject({
      value: '90 分钟',
      hint: '1 小时 30 分',
      tone: 'neutral',
    });
  });

  it('tells the hospital time on the wall clock', () => {
    expect(clockText(new Date('2026-11-26T01:02:03Z'))).toEqual({ time: '09:02:03', date: '2026-11-26' });
    expect(clockText(new Date('2026-11-26T16:00:00Z'))).toEqual({ time: '00:00:00', date: '2026-11-27' });
  });
});

describe('wall rotation', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('turns the pages in a circle, holds a chosen page a full period and pauses', () => {
    const seen: number[] = [];
    const rotation = createRotation({ count: () => 3, intervalMs: 20_000, onChange: (index) => seen.push(index) });
    rotation.start();
    vi.advanceTimersByTime(60_000);
    expect(seen).toEqual([1, 2, 0]);
    vi.advanceTimersByTime(15_000);
    rotation.go(2);
    vi.advanceTimersByTime(19_999);
    expect(seen).toEqual([1, 2, 0, 2]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual([1, 2, 0, 2, 0]);
    rotation.setPaused(true);
    vi.advanceTimersByTime(100_000);
    expect(rotation.index).toBe(0);
    rotation.setPaused(false);
    rotation.next();
    expect(rotation.index).toBe(1);
    rotation.stop();
    expect(vi.getTimerCount()).toBe(0);
    expect(nextPage(2, 3)).toBe(0);
    expect(nextPage(0, 0)).toBe(0);
  });

  it('reads the period from the URL within bounds', () => {
    expect(rotateSeconds(undefined)).toBe(20);
    expect(rotateSeconds('5')).toBe(5);
    expect(rotateSeconds('1')).toBe(3);
    expect(rotateSeconds('99999')).toBe(600);
    expect(rotateSeconds('abc')).toBe(20);
  });
});

describe('landing page', () => {
  const nav = (...keys: string[]) => keys.map((key) => ({ key, path: `/${key}`, icon: 'House' }));

  it('sends agents to the desk board when they open the app or sign in, not when they choose home', () => {
    const agent = { roles: ['agent' as const], navigation: nav('home', 'desk', 'desk_board') };
    expect(landingRedirect(agent, undefined)).toBe('desk_board');
    expect(landingRedirect(agent, 'login')).toBe('desk_board');
    expect(landingRedirect(agent, 'desk')).toBeNull();
    expect(landingRedirect({ roles: ['manager' as const], navigation: nav('home', 'desk_board') }, 'login')).toBeNull();
    expect(landingRedirect({ roles: ['requester' as const], navigation: nav('home') }, undefined)).toBeNull();
    expect(landingRedirect(null, undefined)).toBeNull();
  });
});
