/**
 * The OBASHI statistics page's arithmetic: the month range, the server's rows laid over every
 * month of the range (it lists only months that had tickets), the ranking and the top series.
 */
import type { ObashiStatLayer, ObashiStatRow, ObashiStats } from '@hitsm/api';

export const STAT_LAYERS: readonly ObashiStatLayer[] = ['business', 'data', 'application'];
/** The server's limit (catalog_views.py): at most 36 months at a time. */
export const MAX_MONTHS = 36;
export const TOP_SERIES = 5;

const pad = (n: number) => String(n).padStart(2, '0');

export function monthKey(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}`;
}

/** The last twelve months up to this one, as `[from, to]` (`YYYY-MM`). */
export function defaultRange(today: Date = new Date()): [string, string] {
  const first = new Date(today.getFullYear(), today.getMonth() - 11, 1);
  return [monthKey(first), monthKey(today)];
}

/** Every month from `from` to `to` inclusive; empty when the range is reversed or unreadable. */
export function monthsBetween(from: string, to: string): string[] {
  const read = (text: string) => {
    const match = /^(\d{4})-(\d{2})$/.exec(text);
    return match ? Number(match[1]) * 12 + Number(match[2]) - 1 : NaN;
  };
  const start = read(from);
  const end = read(to);
  if (Number.isNaN(start) || Number.isNaN(end) || start > end) return [];
  const out: string[] = [];
  for (let m = start; m <= end; m += 1) out.push(`${Math.floor(m / 12)}-${pad((m % 12) + 1)}`);
  return out;
}

export interface StatRow extends ObashiStatRow {
  /** One count per month of the page's range (zeros where the server listed nothing). */
  counts: number[];
}

/** The server's rows of one layer, their counts spread over `months`, most tickets first. */
export function layerRows(stats: ObashiStats | null, layer: ObashiStatLayer, months: readonly string[]): StatRow[] {
  if (!stats) return [];
  const index = new Map(stats.months.map((month, i) => [month, i]));
  return stats.layers[layer]
    .map((row) => ({
      ...row,
      counts: months.map((month) => {
        const at = index.get(month);
        return at === undefined ? 0 : (row.by_month[at] ?? 0);
      }),
    }))
    .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
}

export function layerTotal(rows: readonly StatRow[]): number {
  return rows.reduce((sum, row) => sum + row.total, 0);
}

/** Per month, the sum over every row (the table's footer). */
export function monthTotals(rows: readonly StatRow[], months: readonly string[]): number[] {
  return months.map((_, i) => rows.reduce((sum, row) => sum + (row.counts[i] ?? 0), 0));
}

/** The top `n` rows for the monthly chart; the rest summed as one "other" series when present. */
export function topSeries(rows: readonly StatRow[], n = TOP_SERIES): { top: StatRow[]; other: number[] | null } {
  const top = rows.slice(0, n);
  const rest = rows.slice(n);
  if (!rest.length) return { top, other: null };
  const width = rows[0]?.counts.length ?? 0;
  const other = Array.from({ length: width }, (_, i) => rest.reduce((sum, row) => sum + (row.counts[i] ?? 0), 0));
  return { top, other };
}
