import { exportKpis, getKpiSet, startKpiJob, type Kpi, type KpiLayer, type KpiSet } from '@hitsm/api';
import { computed, reactive, ref, watch } from 'vue';
import { useRoute, useRouter } from 'vue-router';

import { downloadBlob } from '@/components/cmdb/download-blob';
import { KPI_LAYERS, filtersFromRoute, filtersToRoute, kpiQuery, type KpiFilters } from '@/components/dashboards/kpi-format';
import { useFollowJob } from '@/composables/use-follow-job';

export interface KpiSection {
  layer: KpiLayer;
  kpis: Kpi[];
}

/**
 * The board's state: filters (kept in the URL, so a board is a link), the KPI set from the
 * server's cache, a recompute, the background job for large months and the Excel export.
 */
export function useKpiBoard() {
  const route = useRoute();
  const router = useRouter();
  const filters = reactive<KpiFilters>(filtersFromRoute(route.query));
  const set = ref<KpiSet | null>(null);
  const loading = ref(false);
  const exporting = ref(false);
  const error = ref<string | null>(null);
  const { job, finished, follow, clear } = useFollowJob();

  const query = computed(() => kpiQuery(filters));
  const sections = computed<KpiSection[]>(() =>
    KPI_LAYERS.map((layer) => ({ layer, kpis: (set.value?.kpis ?? []).filter((kpi) => kpi.layer === layer) })),
  );

  let serial = 0;
  async function load(options: { refresh?: boolean } = {}): Promise<void> {
    const mine = (serial += 1);
    loading.value = true;
    try {
      const result = await getKpiSet(query.value, options);
      if (mine !== serial) return; // a later filter change has asked again
      set.value = result;
      error.value = null;
    } catch (failure) {
      if (mine === serial) error.value = failure instanceof Error ? failure.message : String(failure);
    } finally {
      if (mine === serial) loading.value = false;
    }
  }

  /** A filter changed: read the board for it and put it in the URL. */
  function apply(): void {
    void router.replace({ query: filtersToRoute(filters) });
    void load();
  }

  async function exportExcel(): Promise<string> {
    exporting.value = true;
    try {
      const { blob, filename } = await exportKpis(query.value);
      downloadBlob(blob, filename);
      return filename;
    } finally {
      exporting.value = false;
    }
  }

  async function computeInBackground(): Promise<void> {
    follow(await startKpiJob(query.value));
  }

  // The job has filled the server's cache: read the board from it.
  watch(finished, (done) => {
    if (done && job.value?.status === 'succeeded') void load();
  });

  return { filters, query, set, sections, loading, exporting, error, job, load, apply, exportExcel, computeInBackground, clearJob: clear };
}
