import { ElMessage } from 'element-plus';
import { reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';

import { downloadBlob } from '@/components/cmdb/download-blob';
import { reportError } from '@/errors';

export const AUDIT_PAGE_SIZE = 20;

interface Page<Row> {
  results: Row[];
  count: number;
}

/**
 * One audit log page: the filters (`blank()` resets them), one page of rows at a time, and the
 * Excel export under the same filters. `toQuery` turns the filters (and a page) into the query.
 */
export function useAuditLog<Filters extends object, Query, Row>(options: {
  blank: () => Filters;
  toQuery: (filters: Filters, page?: { page: number; page_size: number }) => Query;
  list: (query: Query) => Promise<Page<Row>>;
  exportXlsx: (query: Query) => Promise<{ blob: Blob; filename: string }>;
}) {
  const { t } = useI18n();
  const filters = reactive(options.blank()) as Filters;
  const page = ref(1);
  const rows = ref<Row[]>([]);
  const total = ref(0);
  const loading = ref(false);
  const exporting = ref(false);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      const result = await options.list(options.toQuery(filters, { page: page.value, page_size: AUDIT_PAGE_SIZE }));
      rows.value = result.results;
      total.value = result.count;
    } catch (error) {
      reportError(error);
    } finally {
      loading.value = false;
    }
  }

  function search(): void {
    page.value = 1;
    void load();
  }

  function reset(): void {
    Object.assign(filters, options.blank());
    search();
  }

  async function exportXlsx(): Promise<void> {
    exporting.value = true;
    try {
      const { blob, filename } = await options.exportXlsx(options.toQuery(filters));
      downloadBlob(blob, filename);
      ElMessage.success(t('audit.exported'));
    } catch (error) {
      reportError(error);
    } finally {
      exporting.value = false;
    }
  }

  return { filters, page, rows, total, loading, exporting, load, search, reset, exportXlsx };
}
