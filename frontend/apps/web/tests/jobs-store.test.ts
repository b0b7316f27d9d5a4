import type * as ApiModule from '@hitsm/api';
import { getJob, listJobs, type Job } from '@hitsm/api';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { useJobsStore } from '@/stores/jobs';

vi.mock('@hitsm/api', async (importOriginal) => ({
  ...(await importOriginal<typeof ApiModule>()),
  getJob: vi.fn(),
  listJobs: vi.fn(),
}));

function job(id: number, patch: Partial<Job> = {}): Job {
  return {
    id,
    kind: 'user_import',
    kind_label: '导入用户',
    status: 'running',
    status_label: '执行中',
    progress: 1,
    total: 10,
    message: '',
    log: '',
    result: null,
    created_by: { id: 1, username: 'admin', display_name: '平台管理员' },
    created_at: '2026-03-01T10:00:00+08:00',
    started_at: '2026-03-01T10:00:01+08:00',
    finished_at: null,
    ...patch,
  };
}

describe('jobs store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.mocked(getJob).mockReset();
    vi.mocked(listJobs).mockReset();
  });

  it('merges a partial job.updated frame into a known job without a request', async () => {
    const store = useJobsStore();
    store.put(job(1, { log: 'line 1\n' }));
    await store.applyUpdate({ id: 1, progress: 5, message: '第 5 行' });
    expect(store.byId.get(1)).toMatchObject({ progress: 5, message: '第 5 行', log: 'line 1\n' });
    expect(getJob).not.toHaveBeenCalled();
  });

  it('re-reads a finished job to get its result and log', async () => {
    const store = useJobsStore();
    store.put(job(1));
    vi.mocked(getJob).mockResolvedValueOnce(job(1, { status: 'succeeded', progress: 10, result: { created: 10 } }));
    await store.applyUpdate({ id: 1, status: 'succeeded', progress: 10 });
    expect(getJob).toHaveBeenCalledWith(1);
    expect(store.byId.get(1)?.result).toEqual({ created: 10 });
  });

  it('adds a new job to the top of the first page', async () => {
    const store = useJobsStore();
    vi.mocked(listJobs).mockResolvedValueOnce({ count: 1, next: null, previous: null, results: [job(1)] });
    await store.loadPage({ page: 1, page_size: 20 });
    vi.mocked(getJob).mockResolvedValueOnce(job(2, { status: 'queued' }));
    await store.applyUpdate({ id: 2, status: 'queued' });
    expect(store.page.map((j) => j.id)).toEqual([2, 1]);
    expect(store.count).toBe(2);
  });
});
