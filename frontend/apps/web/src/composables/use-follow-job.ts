import type { Job } from '@hitsm/api';
import { computed, onBeforeUnmount, ref } from 'vue';

import { isFinished, useJobsStore } from '@/stores/jobs';

const POLL_MS = 1500;

/**
 * Follow one job to completion: WebSocket frames update the jobs store; a short poll runs as
 * well until the job is finished, so the page completes even without a live connection.
 */
export function useFollowJob() {
  const jobs = useJobsStore();
  const jobId = ref<number | null>(null);
  let timer: ReturnType<typeof setTimeout> | null = null;

  const job = computed<Job | undefined>(() => (jobId.value === null ? undefined : jobs.byId.get(jobId.value)));
  const finished = computed(() => isFinished(job.value));

  function stop(): void {
    if (timer) clearTimeout(timer);
    timer = null;
  }

  async function poll(): Promise<void> {
    if (jobId.value === null || finished.value) return;
    try {
      await jobs.refresh(jobId.value);
    } finally {
      if (!finished.value) timer = setTimeout(() => void poll().catch(() => undefined), POLL_MS);
    }
  }

  function follow(started: Job): void {
    stop();
    jobs.put(started);
    jobId.value = started.id;
    if (!isFinished(started)) timer = setTimeout(() => void poll().catch(() => undefined), POLL_MS);
  }

  function clear(): void {
    stop();
    jobId.value = null;
  }

  onBeforeUnmount(stop);
  return { job, finished, follow, clear };
}
