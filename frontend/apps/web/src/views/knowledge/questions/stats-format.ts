import type { KnowledgeStats } from '@hitsm/api';

/** The deflection rate (a fraction) as a percentage with one decimal; null: no outcomes yet. */
export function rateText(rate: number | null | undefined, locale: string): string | null {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return null;
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(rate);
}

/** A part of a whole in percent (0 when there is no whole). */
export function share(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0;
}

export interface ChannelBar {
  channel: string;
  count: number;
  /** Width of the bar: its share of the questions. */
  percent: number;
}

/** Questions per channel, the busiest first. */
export function channelBars(stats: Pick<KnowledgeStats, 'by_channel' | 'questions'>): ChannelBar[] {
  return Object.entries(stats.by_channel)
    .map(([channel, count]) => ({ channel, count, percent: share(count, stats.questions) }))
    .sort((a, b) => b.count - a.count || a.channel.localeCompare(b.channel));
}

/** The periods the page offers, in days. */
export const PERIODS = [7, 30, 90, 365] as const;
