import { exportCiItems, listCiItems, type CiItem, type CiItemQuery, type CiStatus, type ObashiLayer } from '@hitsm/api';
import { reactive, ref } from 'vue';

import { downloadBlob } from '@/components/cmdb/download-blob';

export interface ItemFilters {
  layer: ObashiLayer | '';
  ciClass: number | null;
  status: CiStatus | '';
  department: number | null;
  supportGroup: number | null;
  critical: 'true' | 'false' | '';
  q: string;
}

export const EMPTY_FILTERS: ItemFilters = {
  layer: '',
  ciClass: null,
  status: '',
  department: null,
  supportGroup: null,
  critical: '',
  q: '',
};

/** The list's query from its filters; the export sends the same filters without paging. */
export function itemQuery(filters: ItemFilters, page?: { page: number; pageSize: number }): CiItemQuery {
  const query: CiItemQuery = {};
  if (page) Object.assign(query, { page: page.page, page_size: page.pageSize });
  if (filters.layer) query.layer = filters.layer;
  if (filters.ciClass) query.ci_class = filters.ciClass;
  if (filters.status) query.status = filters.status;
  if (filters.department) query.owner_department = filters.department;
  if (filters.supportGroup) query.support_group = filters.supportGroup;
  if (filters.critical) query.clinical_critical = filters.critical === 'true';
  if (filters.q.trim()) query.q = filters.q.trim();
  return query;
}

/** The configuration item list: filters, one page of rows, the Excel export of the filter. */
export function useItemList() {
  const filters = reactive<ItemFilters>({ ...EMPTY_FILTERS });
  const pager = reactive({ page: 1, pageSize: 20 });
  const rows = ref<CiItem[]>([]);
  const total = ref(0);
  const capped = ref(false);
  const loading = ref(false);
  const exporting = ref(false);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      const page = await listCiItems(itemQuery(filters, pager));
      rows.value = page.results;
      total.value = page.count;
      capped.value = Boolean(page.count_capped);
    } finally {
      loading.value = false;
    }
  }

  function apply(): void {
    pager.page = 1;
    void load();
  }

  function reset(): void {
    Object.assign(filters, EMPTY_FILTERS);
    apply();
  }

  async function exportExcel(): Promise<string> {
    exporting.value = true;
    try {
      const { blob, filename } = await exportCiItems(itemQuery(filters));
      downloadBlob(blob, filename);
      return filename;
    } finally {
      exporting.value = false;
    }
  }

  return { filters, pager, rows, total, capped, loading, exporting, load, apply, reset, exportExcel };
}
