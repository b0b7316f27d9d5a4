/**
 * Pure helpers of the NFR and PBA editors (hitsm/catalog/services.py checks the same rules on
 * the server): the weekly business calendar, peaks, stakeholders and the NFR numbers.
 */
import type {
  ActivityPattern,
  ActivityPatternRequest,
  NfrRecord,
  NfrRecordRequest,
  NfrTotals,
  PbaPeak,
  PbaStakeholderRole,
  PbaWeekday,
} from '@hitsm/api';

export const WEEKDAYS: readonly PbaWeekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
export const WORKDAYS: readonly PbaWeekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
export const STAKEHOLDER_ROLES: readonly PbaStakeholderRole[] = ['owner', 'key_user', 'user', 'it_owner', 'vendor'];

/** The CI classes a pattern and an item link to (hitsm/catalog/services.py). */
export const ACTIVITY_CLASS = 'business_activity';
export const DATA_CLASS = 'business_data';
export const APPLICATION_CLASS = 'application';

export interface TimeRange {
  start: string;
  end: string;
}

export type WeekSchedule = Record<PbaWeekday, TimeRange[]>;

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const END_TIME = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

const toMinute = (text: string) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));
const toText = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** `HH:MM` every quarter hour from `from` to `to` inclusive, for `el-select` options. */
export function quarterHours(from = '00:00', to = '23:45'): string[] {
  const out: string[] = [];
  for (let m = toMinute(from); m <= toMinute(to); m += 15) out.push(toText(m));
  return out;
}

/** The stored calendar (`{"mon": ["07:30-12:00"], …}`) as rows to edit; unreadable text is kept. */
export function scheduleRows(schedule: ActivityPattern['schedule'] | null | undefined): WeekSchedule {
  const week = Object.fromEntries(WEEKDAYS.map((day) => [day, [] as TimeRange[]])) as WeekSchedule;
  for (const day of WEEKDAYS) {
    for (const text of schedule?.[day] ?? []) {
      const [start = '', end = ''] = text.split('-');
      week[day].push({ start, end });
    }
  }
  return week;
}

/** Rows back to the stored form: sorted by start, empty rows dropped, every weekday present. */
export function schedulePayload(week: WeekSchedule): Record<PbaWeekday, string[]> {
  return Object.fromEntries(
    WEEKDAYS.map((day) => [
      day,
      week[day]
        .filter((range) => range.start || range.end)
        .slice()
        .sort((a, b) => a.start.localeCompare(b.start))
        .map((range) => `${range.start}-${range.end}`),
    ]),
  ) as Record<PbaWeekday, string[]>;
}

/** One day's problem before asking the server: format, order, overlap (like `schedule_check`). */
export function dayProblem(ranges: readonly TimeRange[]): 'format' | 'order' | null {
  const sorted = ranges.filter((r) => r.start || r.end).slice().sort((a, b) => a.start.localeCompare(b.start));
  let lastEnd = '';
  for (const range of sorted) {
    if (!TIME.test(range.start) || !END_TIME.test(range.end)) return 'format';
    if (range.end <= range.start || range.start < lastEnd) return 'order';
    lastEnd = range.end;
  }
  return null;
}

/**
 * The range a day's "add" button appends: 08:00-12:00 on an empty day, otherwise four hours
 * starting an hour after the last range ends (kept within the day); null when the day is full.
 */
export function nextRange(ranges: readonly TimeRange[]): TimeRange | null {
  const last = ranges[ranges.length - 1];
  if (!last) return { start: '08:00', end: '12:00' };
  if (!END_TIME.test(last.end)) return null; // finish the last range first
  const lastEnd = toMinute(last.end);
  if (lastEnd >= 23 * 60) return null;
  const start = Math.min(lastEnd + 60, 23 * 60);
  return { start: toText(start), end: toText(Math.min(start + 240, 24 * 60)) };
}

/** A day's ranges copied to Monday–Friday (the usual clinic week). */
export function copyToWorkdays(week: WeekSchedule, from: PbaWeekday): WeekSchedule {
  const ranges = week[from];
  const next = { ...week };
  for (const day of WORKDAYS) next[day] = ranges.map((range) => ({ ...range }));
  return next;
}

/**
 * The calendar in words, consecutive days with the same hours grouped:
 * `[{days: ['mon', 'fri'], text: '07:30-12:00, 13:30-17:30'}]` (first and last day of a run).
 */
export function scheduleRuns(schedule: ActivityPattern['schedule'] | null | undefined): { from: PbaWeekday; to: PbaWeekday; text: string }[] {
  const runs: { from: PbaWeekday; to: PbaWeekday; text: string }[] = [];
  for (const day of WEEKDAYS) {
    const text = (schedule?.[day] ?? []).join(', ');
    const last = runs[runs.length - 1];
    const previous = WEEKDAYS[WEEKDAYS.indexOf(day) - 1];
    if (last && last.text === text && last.to === previous) last.to = day;
    else runs.push({ from: day, to: day, text });
  }
  return runs.filter((run) => run.text);
}

export interface PeakRow {
  days: PbaWeekday[];
  start: string;
  end: string;
  note: string;
}

export function peakRows(peaks: readonly PbaPeak[] | undefined): PeakRow[] {
  return (peaks ?? []).map((peak) => ({ days: [...peak.days], start: peak.start, end: peak.end, note: peak.note ?? '' }));
}

export interface StakeholderRow {
  role: PbaStakeholderRole | '';
  department: number | null;
  user: number | null;
  /** The user's name as the server gave it, to label the picker. */
  user_name: string;
  name: string;
  phone: string;
}

export function stakeholderRows(pattern: Pick<ActivityPattern, 'stakeholders'> | null): StakeholderRow[] {
  return (pattern?.stakeholders ?? []).map((row) => ({
    role: row.role,
    department: row.department ?? null,
    user: row.user ?? null,
    user_name: row.user_name ?? '',
    name: row.name ?? '',
    phone: row.phone ?? '',
  }));
}

export interface PatternForm {
  code: string;
  name: string;
  description: string;
  schedule: WeekSchedule;
  peaks: PeakRow[];
  holidays_closed: boolean;
  peak_concurrent_users: number | null;
  daily_transactions: number | null;
  activities: number[];
  applications: number[];
  stakeholders: StakeholderRow[];
}

export function patternForm(pattern: ActivityPattern | null, applications: readonly number[] = []): PatternForm {
  return {
    code: pattern?.code ?? '',
    name: pattern?.name ?? '',
    description: pattern?.description ?? '',
    schedule: scheduleRows(pattern?.schedule),
    peaks: peakRows(pattern?.peaks),
    holidays_closed: pattern?.holidays_closed ?? false,
    peak_concurrent_users: pattern?.peak_concurrent_users ?? null,
    daily_transactions: pattern?.daily_transactions ?? null,
    activities: [...(pattern?.activities ?? [])],
    applications: pattern ? [...(pattern.applications ?? [])] : [...applications],
    stakeholders: stakeholderRows(pattern),
  };
}

/** The request body; stakeholders keep their order (the server stores it as `sort_order`). */
export function patternPayload(form: PatternForm): ActivityPatternRequest {
  return {
    code: form.code.trim(),
    name: form.name.trim(),
    description: form.description.trim(),
    schedule: schedulePayload(form.schedule),
    peaks: form.peaks.map((peak) => ({ days: peak.days, start: peak.start, end: peak.end, note: peak.note.trim() })),
    holidays_closed: form.holidays_closed,
    peak_concurrent_users: form.peak_concurrent_users ?? null,
    daily_transactions: form.daily_transactions ?? null,
    activities: form.activities,
    applications: form.applications,
    stakeholders: form.stakeholders.map((row) => ({
      role: row.role as PbaStakeholderRole,
      department: row.department ?? null,
      user: row.user ?? null,
      name: row.name.trim(),
      phone: row.phone.trim(),
    })),
  } as ActivityPatternRequest;
}

// --- NFR --------------------------------------------------------------------------------------

/** The five typed values of an NFR record, in the order of the hospital's form. */
export const NFR_VALUES = ['system_accounts', 'concurrent_accounts', 'yearly_storage_gb', 'daily_growth_mb', 'bandwidth_mbps'] as const;
export type NfrValue = (typeof NFR_VALUES)[number];
/** Whole numbers (accounts); the rest allow two decimals. */
export const NFR_INTEGERS: ReadonlySet<NfrValue> = new Set(['system_accounts', 'concurrent_accounts']);

export interface NfrForm {
  application: number | null;
  system_accounts: number | null;
  concurrent_accounts: number | null;
  yearly_storage_gb: number | null;
  daily_growth_mb: number | null;
  bandwidth_mbps: number | null;
  notes: string;
}

function toNumber(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(number) ? number : null;
}

export function nfrForm(record: NfrRecord | null, application: number | null = null): NfrForm {
  return {
    application: record?.application ?? application,
    system_accounts: toNumber(record?.system_accounts),
    concurrent_accounts: toNumber(record?.concurrent_accounts),
    yearly_storage_gb: toNumber(record?.yearly_storage_gb),
    daily_growth_mb: toNumber(record?.daily_growth_mb),
    bandwidth_mbps: toNumber(record?.bandwidth_mbps),
    notes: record?.notes ?? '',
  };
}

/** Decimals go as strings (the server's `DecimalField`), empty boxes as null. */
export function nfrPayload(form: NfrForm): NfrRecordRequest {
  const decimal = (value: number | null) => (value === null || value === undefined ? null : value.toFixed(2));
  return {
    application: form.application as number,
    system_accounts: form.system_accounts ?? null,
    concurrent_accounts: form.concurrent_accounts ?? null,
    yearly_storage_gb: decimal(form.yearly_storage_gb),
    daily_growth_mb: decimal(form.daily_growth_mb),
    bandwidth_mbps: decimal(form.bandwidth_mbps),
    notes: form.notes.trim(),
  };
}

/** A value as the table shows it: integers plain, decimals without trailing zeros; empty: null. */
export function nfrText(value: string | number | null | undefined, locale = 'zh-CN'): string | null {
  const number = toNumber(value);
  if (number === null) return null;
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(number);
}

/** The totals row's cells: each sum, and how many records gave it when not all did. */
export function totalCells(totals: NfrTotals | null, locale = 'zh-CN'): Record<NfrValue, { sum: string; recorded: number; partial: boolean }> {
  return Object.fromEntries(
    NFR_VALUES.map((name) => {
      const recorded = totals?.recorded[name] ?? 0;
      return [
        name,
        {
          sum: nfrText(totals?.totals[name] ?? 0, locale) ?? '0',
          recorded,
          partial: Boolean(totals && recorded < totals.applications),
        },
      ];
    }),
  ) as Record<NfrValue, { sum: string; recorded: number; partial: boolean }>;
}
