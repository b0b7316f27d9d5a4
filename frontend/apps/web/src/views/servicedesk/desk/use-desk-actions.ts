import { bulkTickets, exportTickets, type BulkAction, type BulkResult, type TicketListItem } from '@hitsm/api';
import { ElMessage, ElMessageBox, ElNotification } from 'element-plus';
import { computed, ref } from 'vue';

import { i18n } from '@/i18n';
import { useDeskStore } from '@/stores/desk';

/** Bulk actions on the selected rows and the Excel export of the current filter. */
export function useDeskActions() {
  const desk = useDeskStore();
  const t = i18n.global.t;
  const selection = ref<TicketListItem[]>([]);
  const busy = ref<BulkAction | 'export' | null>(null);
  const ids = computed(() => selection.value.map((row) => row.id));

  function report(result: BulkResult): void {
    const message = t('desk.bulk_result', { done: result.done.length, failed: result.failed.length });
    if (!result.failed.length) {
      ElMessage.success(message);
      return;
    }
    ElNotification.warning({
      title: message,
      message: result.failed
        .map((item) => t('desk.bulk_failed_item', { number: item.number ?? `#${item.id}`, message: item.message }))
        .join('\n'),
      duration: 0,
      customClass: 'desk-bulk-failures',
    });
  }

  async function bulk(action: BulkAction, extra: { group?: number; assignee?: number | null } = {}): Promise<boolean> {
    if (!ids.value.length) return false;
    if (action === 'close') {
      const ok = await ElMessageBox.confirm(t('desk.bulk_close_confirm', { n: ids.value.length }), t('desk.bulk_close'), {
        type: 'warning',
        confirmButtonText: t('common.confirm'),
        cancelButtonText: t('common.cancel'),
      }).catch(() => false);
      if (!ok) return false;
    }
    busy.value = action;
    try {
      report(await bulkTickets({ ids: ids.value, action, ...extra }));
      await desk.reload();
      return true;
    } finally {
      busy.value = null;
    }
  }

  /** Download exactly what the table filters (queue, search, filters, sort), all pages. */
  async function exportExcel(): Promise<void> {
    busy.value = 'export';
    try {
      const { blob, filename } = await exportTickets(desk.query());
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = filename;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      ElMessage.success(t('desk.exported', { name: filename }));
    } finally {
      busy.value = null;
    }
  }

  return { selection, busy, ids, bulk, exportExcel };
}
