import { getJob, listJobs, type Job, type JobQuery, type JobUpdate } from '@hitsm/api';
import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';

export const FINISHED: ReadonlySet<Job['status']> = new Set(['succeeded', 'failed']);

export function isFinished(job: Pick<Job, 'status'> | undefined): boolean {
  return Boolean(job && FINISHED.has(job.status));
}

/**
 * Jobs known to this tab, keyed by id. The jobs page, the import page and the home page read from
 * here; `job.updated` frames from the WebSocket merge into it, and polling fills the gaps.
 */
export const useJobsStore = defineStore('jobs', () => {
  const byId = reactive(new Map<number, Job>());
  const pageIds = ref<number[]>([]);
  const count = ref(0);
  const query = ref<JobQuery>({ page: 1, page_size: 20 });

  const page = computed(() => pageIds.value.flatMap((id) => byId.get(id) ?? []));

  function put(job: Job): void {
    byId.set(job.id, { ...byId.get(job.id), ...job });
  }

  async function loadPage(next: JobQuery = query.value): Promise<void> {
    query.value = next;
    const result = await listJobs(next);
    result.results.forEach(put);
    pageIds.value = result.results.map((job) => job.id);
    count.value = result.count;
  }

  async function refresh(id: number): Promise<Job> {
    const job = await getJob(id);
    put(job);
    return job;
  }

  /** A WebSocket update: may carry only some fields, so unknown or finished jobs are re-read. */
  async function applyUpdate(update: JobUpdate): Promise<void> {
    const known = byId.get(update.id);
    if (known) byId.set(update.id, { ...known, ...update });
    if (!known || isFinished(update as Job)) {
      await refresh(update.id);
      if (!known && query.value.page === 1 && !pageIds.value.includes(update.id)) {
        pageIds.value = [update.id, ...pageIds.value];
        count.value += 1;
      }
    }
  }

  function reset(): void {
    byId.clear();
    pageIds.value = [];
    count.value = 0;
  }

  return { byId, page, count, query, put, loadPage, refresh, applyUpdate, reset };
});
