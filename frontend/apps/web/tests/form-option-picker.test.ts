import type * as Api from '@hitsm/api';
import type { CatalogOption, CatalogOptionsQuery } from '@hitsm/api';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus from 'element-plus';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import OptionPicker from '@/components/forms/option-picker.vue';

const api = vi.hoisted(() => {
  const rows: Record<string, CatalogOption[]> = {
    cis: [{ value: 7, label: 'HIS 应用', hint: '应用系统' }],
    users: [
      { value: 3, label: '张医生', hint: '心内科' },
      { value: 4, label: '李护士', hint: '急诊科' },
    ],
    departments: [{ value: 9, label: '信息科', hint: '科室' }],
  };
  return {
    getCatalogOptions: vi.fn(async (query: CatalogOptionsQuery): Promise<CatalogOption[]> => {
      const found = rows[query.source] ?? [];
      return query.ids ? found.filter((row) => query.ids?.includes(row.value)) : found;
    }),
  };
});
vi.mock('@hitsm/api', async (original) => ({ ...(await original<typeof Api>()), ...api }));

function open(picker: ReturnType<typeof mount>) {
  picker.findComponent({ name: 'ElSelect' }).vm.$emit('visible-change', true);
  return flushPromises();
}

describe('form option picker', () => {
  beforeEach(() => {
    api.getCatalogOptions.mockClear();
  });

  it('searches the configuration items of one class through the catalog options', async () => {
    const picker = mount(OptionPicker, {
      props: { source: 'cis', modelValue: null, ciClass: 'application', multiple: true },
      global: { plugins: [ElementPlus] },
    });
    await open(picker);
    expect(api.getCatalogOptions).toHaveBeenCalledWith({ source: 'cis', q: '', ci_class: 'application' });
    expect(picker.findAllComponents({ name: 'ElOption' }).map((option) => option.text())).toEqual(['HIS 应用应用系统']);
  });

  it('shows a person’s department as the hint and searches without a class', async () => {
    const picker = mount(OptionPicker, {
      props: { source: 'users', modelValue: null, ciClass: 'application' },
      global: { plugins: [ElementPlus] },
    });
    await open(picker);
    expect(api.getCatalogOptions).toHaveBeenCalledWith({ source: 'users', q: '', ci_class: undefined });
    const options = picker.findAllComponents({ name: 'ElOption' });
    expect(options.map((option) => option.find('.option-picker__hint').text())).toEqual(['心内科', '急诊科']);
  });

  it('labels already chosen ids with ids= before any search', async () => {
    const picker = mount(OptionPicker, {
      props: { source: 'departments', modelValue: [9], multiple: true },
      global: { plugins: [ElementPlus] },
    });
    await flushPromises();
    expect(api.getCatalogOptions).toHaveBeenCalledTimes(1);
    expect(api.getCatalogOptions).toHaveBeenCalledWith({ source: 'departments', ids: [9] });
    expect(picker.find('.el-select__selected-item .el-tag').text()).toBe('信息科');
    await picker.setProps({ modelValue: [9, 9] });
    await flushPromises();
    expect(api.getCatalogOptions).toHaveBeenCalledTimes(1);
  });
});
