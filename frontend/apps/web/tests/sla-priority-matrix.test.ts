import type * as Api from '@hitsm/api';
import { ApiError, type PriorityMatrix, type TicketPriority } from '@hitsm/api';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { createMemoryHistory, createRouter, RouterView } from 'vue-router';

import { i18n, setLocale } from '@/i18n';
import PriorityMatrixPage from '@/views/sla/priority-matrix/index.vue';
import {
  cellKey,
  changedCount,
  customCount,
  defaultDraft,
  draftOf,
  gridRows,
  matrixErrors,
  matrixPayload,
} from '@/views/sla/priority-matrix/use-priority-matrix';

const api = vi.hoisted(() => ({
  getPriorityMatrix: vi.fn(),
  savePriorityMatrix: vi.fn(),
  resetPriorityMatrix: vi.fn(),
}));
vi.mock('@hitsm/api', async (original) => ({ ...(await original<typeof Api>()), ...api }));

const DEFAULTS: Record<string, TicketPriority> = { '1-1': 1, '1-2': 2, '1-3': 3, '2-1': 2, '2-2': 3, '2-3': 4, '3-1': 3, '3-2': 4, '3-3': 5 };

/** The server's answer: the default matrix with some cells changed (`{'3-3': 4}`). */
function matrix(changes: Record<string, TicketPriority> = {}, canChange = true): PriorityMatrix {
  const cells = Object.entries(DEFAULTS).map(([key, fallback]) => {
    const [impact, urgency] = key.split('-').map(Number) as [1 | 2 | 3, 1 | 2 | 3];
    const priority = changes[key] ?? fallback;
    return {
      impact,
      urgency,
      priority,
      default_priority: fallback,
      is_default: priority === fallback,
      impact_label: '',
      urgency_label: '',
      priority_label: `P${priority}`,
    };
  });
  return { cells, is_default: cells.every((c) => c.is_default), updated_at: '2026-03-02T08:00:00+08:00', can_change: canChange };
}

describe('priority matrix logic', () => {
  it('lays the cells out as impact rows × urgency columns, high to low', () => {
    const rows = gridRows(matrix(), draftOf(matrix()));
    expect(rows.map((row) => row.impact)).toEqual([1, 2, 3]);
    expect(rows.map((row) => row.cells.map((cell) => cell.priority))).toEqual([
      [1, 2, 3],
      [2, 3, 4],
      [3, 4, 5],
    ]);
    expect(rows[2]?.cells.map((cell) => cell.key)).toEqual(['3-1', '3-2', '3-3']);
  });

  it('tells edited cells from saved ones and custom cells from the default', () => {
    const saved = matrix({ '3-3': 4 });
    const draft = { ...draftOf(saved), [cellKey(1, 3)]: 2 as TicketPriority };
    const cells = gridRows(saved, draft).flatMap((row) => row.cells);
    const corner = cells.find((cell) => cell.key === '3-3');
    const edited = cells.find((cell) => cell.key === '1-3');
    expect(corner).toMatchObject({ priority: 4, saved: 4, default: 5, changed: false, custom: true });
    expect(edited).toMatchObject({ priority: 2, saved: 3, default: 3, changed: true, custom: true });
    expect(changedCount(saved, draft)).toBe(1);
    expect(customCount(saved, draft)).toBe(2);
    expect(changedCount(saved, defaultDraft(saved))).toBe(1);
    expect(customCount(saved, defaultDraft(saved))).toBe(0);
  });

  it('sends every cell in the server’s order and maps its errors back to the cells', () => {
    const saved = matrix();
    const payload = matrixPayload(saved, { ...draftOf(saved), '2-1': 1 });
    expect(payload.cells).toHaveLength(9);
    expect(payload.cells[3]).toEqual({ impact: 2, urgency: 1, priority: 1 });
    const errors = matrixErrors(
      { 'cells.3.priority': ['优先级须为 P1 到 P5（1–5 的整数）'], cells: ['缺少影响度“低（个人）”× 紧急度“低（可以等待）”的优先级'] },
      payload,
    );
    expect(errors.byCell).toEqual({ '2-1': '优先级须为 P1 到 P5（1–5 的整数）' });
    expect(errors.other).toEqual(['缺少影响度“低（个人）”× 紧急度“低（可以等待）”的优先级']);
  });
});

/** A light stand-in for el-select (nine real ones are slow to mount in jsdom). */
const SelectStub = defineComponent({
  name: 'SelectStub',
  props: { modelValue: { type: Number, default: null } },
  emits: ['update:modelValue'],
  setup: (props) => () => h('span', { class: 'select-stub' }, String(props.modelValue)),
});

describe('priority matrix page', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    setLocale('zh-CN');
    Object.values(api).forEach((fn) => fn.mockReset());
  });

  async function mountPage() {
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/', component: PriorityMatrixPage }],
    });
    await router.push('/');
    const wrapper = mount(RouterView, {
      global: { plugins: [ElementPlus, i18n, router], stubs: { ElSelect: SelectStub, ElOption: true } },
    });
    await flushPromises();
    return { wrapper, router };
  }

  it('shows IT staff the matrix read-only, coloured, with the defaults beside', async () => {
    api.getPriorityMatrix.mockResolvedValue(matrix({ '3-3': 4 }, false));
    const { wrapper } = await mountPage();
    expect(wrapper.find('[data-testid="matrix-read-only"]').text()).toContain('平台管理员');
    expect(wrapper.findAllComponents(SelectStub)).toHaveLength(0);
    expect(wrapper.find('[data-testid="matrix-save"]').exists()).toBe(false);
    const corner = wrapper.get('[data-testid="matrix-cell-3-3"]');
    expect(corner.classes()).toContain('matrix-grid__cell--p4');
    expect(corner.text()).toContain('P4 低');
    expect(wrapper.get('[data-testid="matrix-default-3-3"]').text()).toBe('默认 P5 计划');
    expect(wrapper.get('[data-testid="matrix-default-1-1"]').text()).toBe('默认值');
    expect(wrapper.get('[data-testid="matrix-summary"]').text()).toContain('有 1 格与默认不同');
  });

  it('lets an admin change a cell and saves the whole matrix', async () => {
    api.getPriorityMatrix.mockResolvedValue(matrix());
    api.savePriorityMatrix.mockResolvedValue(matrix({ '3-3': 4 }));
    const { wrapper } = await mountPage();
    expect(wrapper.findAllComponents(SelectStub)).toHaveLength(9);
    expect(wrapper.get('[data-testid="matrix-save"]').attributes('disabled')).toBeDefined();
    wrapper.getComponent<typeof SelectStub>('[data-testid="matrix-select-3-3"]').vm.$emit('update:modelValue', 4);
    await flushPromises();
    expect(wrapper.get('[data-testid="matrix-cell-3-3"]').classes()).toContain('matrix-grid__cell--changed');
    expect(wrapper.get('[data-testid="matrix-save"]').text()).toBe('保存（改动 1 格）');
    await wrapper.get('[data-testid="matrix-save"]').trigger('click');
    await flushPromises();
    const body = api.savePriorityMatrix.mock.calls[0]?.[0];
    expect(body.cells).toHaveLength(9);
    expect(body.cells[8]).toEqual({ impact: 3, urgency: 3, priority: 4 });
    expect(wrapper.get('[data-testid="matrix-cell-3-3"]').classes()).not.toContain('matrix-grid__cell--changed');
    expect(wrapper.get('[data-testid="matrix-default-3-3"]').text()).toBe('默认 P5 计划');
  });

  it('shows the server’s refusal beside the cell it is about', async () => {
    api.getPriorityMatrix.mockResolvedValue(matrix());
    api.savePriorityMatrix.mockRejectedValue(
      new ApiError(400, 'validation_error', '提交的数据有误', { 'cells.0.priority': ['优先级须为 P1 到 P5（1–5 的整数）'] }),
    );
    const { wrapper } = await mountPage();
    wrapper.getComponent<typeof SelectStub>('[data-testid="matrix-select-1-1"]').vm.$emit('update:modelValue', 2);
    await flushPromises();
    await wrapper.get('[data-testid="matrix-save"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="matrix-cell-1-1"]').text()).toContain('优先级须为 P1 到 P5');
  });
});
