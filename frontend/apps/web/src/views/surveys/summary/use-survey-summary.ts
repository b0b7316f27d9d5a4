import {
  defaultSurveyMonth,
  exportSurveySummary,
  generateSurveySummary,
  getSurveySummary,
  isSurveyMonth,
  surveyMonthOf,
  type SurveyExportFormat,
  type SurveyGroupStats,
  type SurveySummary,
} from '@hitsm/api';
import { storeToRefs } from 'pinia';
import { computed, ref } from 'vue';
import { useRoute, useRouter } from 'vue-router';

import { downloadBlob } from '@/components/cmdb/download-blob';
import { useSessionStore } from '@/stores/session';

import { isSurveyManager } from '../survey-roles';

export const SUMMARY_DIMENSIONS = ['department', 'group', 'engineer', 'item'] as const;
export type SummaryDimension = (typeof SUMMARY_DIMENSIONS)[number];

/** The month from the page's URL (`?month=2026-11`), else the last finished month. */
export function summaryMonthFrom(query: Record<string, unknown>, now: Date = new Date()): string {
  const month = query.month;
  return isSurveyMonth(month) && month <= surveyMonthOf(now) ? month : defaultSurveyMonth(now);
}

/** A dimension's rows as the server sends them (`by_department`, …). */
export function dimensionRows(summary: SurveySummary | null, dimension: SummaryDimension): SurveyGroupStats[] {
  return summary ? summary[`by_${dimension}`] : [];
}

/** Months after the current one cannot be chosen (the server refuses to generate them). */
export function isFutureSurveyMonth(date: Date, now: Date = new Date()): boolean {
  const month = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}`;
  return month > surveyMonthOf(now);
}

/**
 * The monthly satisfaction report: the month (kept in the URL, so a report is a link), the
 * summary as the server has it (stored, or computed now), regenerating it (IT managers and
 * admins) and the Excel / PDF downloads.
 */
export function useSurveySummary() {
  const route = useRoute();
  const router = useRouter();
  const { me } = storeToRefs(useSessionStore());
  const month = ref(summaryMonthFrom(route.query));
  const summary = ref<SurveySummary | null>(null);
  const loading = ref(false);
  const generating = ref(false);
  const exporting = ref<SurveyExportFormat | null>(null);
  const error = ref<string | null>(null);
  const canGenerate = computed(() => isSurveyManager(me.value));

  let serial = 0;
  async function load(): Promise<void> {
    const mine = (serial += 1);
    loading.value = true;
    try {
      const result = await getSurveySummary(month.value);
      if (mine !== serial) return; // another month was chosen meanwhile
      summary.value = result;
      error.value = null;
    } catch (failure) {
      if (mine === serial) error.value = failure instanceof Error ? failure.message : String(failure);
    } finally {
      if (mine === serial) loading.value = false;
    }
  }

  function setMonth(value: string): void {
    month.value = value;
    void router.replace({ query: { month: value } });
    void load();
  }

  async function regenerate(): Promise<void> {
    generating.value = true;
    try {
      summary.value = await generateSurveySummary(month.value);
      error.value = null;
    } finally {
      generating.value = false;
    }
  }

  async function download(format: SurveyExportFormat): Promise<string> {
    exporting.value = format;
    try {
      const { blob, filename } = await exportSurveySummary(month.value, format);
      downloadBlob(blob, filename);
      return filename;
    } finally {
      exporting.value = null;
    }
  }

  return { month, summary, loading, generating, exporting, error, canGenerate, load, setMonth, regenerate, download };
}
