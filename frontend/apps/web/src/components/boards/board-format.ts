/**
 * How the service boards show their numbers: pure functions shared by the desk board, the wall
 * screen and the role homes, so tests read the same rules. Labels come from `board.*` keys.
 */
import type { BoardToday, Kpi, QueueCounts, UiLocale } from '@hitsm/api';

import { shownValue, tileState, tileTone, toneText } from '@/components/dashboards/kpi-format';

export type Translate = (key: string, params?: Record<string, unknown>) => string;

/** Working minutes as `45 min`, `2 h 5 min` (in the UI language); a dash when there is nothing to average. */
export function minutesText(minutes: number | null | undefined, t: Translate): string {
  if (minutes === null || minutes === undefined || !Number.isFinite(minutes)) return t('board.no_data');
  const total = Math.max(0, Math.round(minutes));
  if (total < 60) return t('board.minutes', { n: total });
  const h = Math.floor(total / 60);
  const m = total % 60;
  return m ? t('board.hours_minutes', { h, m }) : t('board.hours', { h });
}

/** A percentage 0–100 (as the server sends attainment) as `96.5%`; a dash when there is nothing to count. */
export function percentText(percent: number | null | undefined, locale: UiLocale = 'zh-CN'): string {
  if (percent === null || percent === undefined || !Number.isFinite(percent)) return '—';
  const number = new Intl.NumberFormat(locale === 'en' ? 'en-US' : 'zh-CN', { maximumFractionDigits: 1 }).format(percent);
  return `${number}%`;
}

export type TileTone = 'neutral' | 'good' | 'warning' | 'alarm';

export interface BoardTile {
  key: string;
  label: string;
  value: string;
  hint: string | null;
  tone: TileTone;
  /** Blink (the unaccepted queue while anything waits); CSS turns it off for reduced motion. */
  blink: boolean;
  /** Where the number leads: the desk's queue behind it. */
  queue: string | null;
}

/**
 * The desk board's tiles: four queues, then today. Counts of failures (overdue, unaccepted)
 * are red with words when above zero; attainment stays neutral (the board invents no target)
 * except for the obvious 100%.
 */
export function deskTiles(queues: QueueCounts, today: BoardToday, t: Translate, locale: UiLocale = 'zh-CN'): BoardTile[] {
  const minutes = queues.unaccepted_minutes;
  const count = (key: 'intake' | 'dispatch' | 'overdue' | 'unaccepted'): number => queues[key];
  const failure = (key: 'overdue' | 'unaccepted', hint: string): BoardTile => {
    const value = count(key);
    return {
      key,
      label: t(`board.tiles.${key}`),
      value: String(value),
      hint: value > 0 ? `${hint} · ${t('board.tile_hint.alarm')}` : hint,
      tone: value > 0 ? 'alarm' : 'good',
      blink: key === 'unaccepted' && value > 0,
      queue: key,
    };
  };
  const share = (key: 'response_attainment' | 'resolution_attainment'): BoardTile => {
    const value = today[key];
    return {
      key,
      label: t(`board.tiles.${key}`),
      value: percentText(value, locale),
      hint: value === null ? t('board.tile_hint.no_sample') : null,
      tone: value === null ? 'neutral' : value >= 100 ? 'good' : 'warning',
      blink: false,
      queue: null,
    };
  };
  const plain = (key: string, value: string, queue: string | null = null, hint: string | null = null): BoardTile => ({
    key,
    label: t(`board.tiles.${key}`),
    value,
    hint,
    tone: 'neutral',
    blink: false,
    queue,
  });
  return [
    plain('intake', String(count('intake')), 'intake'),
    plain('dispatch', String(count('dispatch')), 'dispatch'),
    failure('overdue', t('board.tile_hint.overdue')),
    failure('unaccepted', t('board.tile_hint.unaccepted', { minutes })),
    plain('new_today', String(today.new)),
    plain('resolved_today', String(today.resolved)),
    plain('avg_response', minutesText(today.avg_response_minutes, t), null, today.avg_response_minutes === null ? t('board.tile_hint.no_sample') : null),
    plain('avg_resolution', minutesText(today.avg_resolution_minutes, t), null, today.avg_resolution_minutes === null ? t('board.tile_hint.no_sample') : null),
    share('response_attainment'),
    share('resolution_attainment'),
  ];
}

/** The page after `index` of `count` rotating pages. */
export function nextPage(index: number, count: number): number {
  return count > 0 ? (index + 1) % count : 0;
}

/** A 5-point score as `4.6`; a dash without answers. */
export function scoreText(score: number | null | undefined): string {
  if (score === null || score === undefined || !Number.isFinite(score)) return '—';
  return score.toFixed(1);
}

/** `HH:mm:ss` and `YYYY-MM-DD` of `now` in the hospital's time zone (the wall clock). */
export function clockText(now: Date, timeZone = 'Asia/Shanghai'): { time: string; date: string } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { time: `${part('hour')}:${part('minute')}:${part('second')}`, date: `${part('year')}-${part('month')}-${part('day')}` };
}

/**
 * A KPI of the wall screen as a board tile: the KPI board's own rules for value, unit and tone
 * (kpi-format.ts), so the wall and the board never disagree.
 */
export function kpiBoardTile(kpi: Kpi, t: Translate, locale: UiLocale = 'zh-CN'): BoardTile {
  const state = tileState(kpi);
  const shown = shownValue(kpi, t, locale);
  const tone = tileTone(kpi);
  let value = t('kpi.tile.no_data');
  if (state === 'unavailable') value = t('kpi.tile.unavailable');
  else if (shown) value = shown.unit === '%' ? `${shown.number}%` : `${shown.number} ${shown.unit}`;
  return {
    key: kpi.code,
    label: kpi.name,
    value,
    hint: shown?.duration ?? toneText(kpi, t),
    tone: tone === 'warning' ? 'warning' : tone,
    blink: false,
    queue: null,
  };
}
