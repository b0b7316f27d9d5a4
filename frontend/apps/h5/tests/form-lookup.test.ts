import type { CatalogOption, CatalogOptionsQuery, FormData, FormSchema } from '@hitsm/api';
import type * as Api from '@hitsm/api';
import { flushPromises, mount } from '@vue/test-utils';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, ref, type Ref } from 'vue';

import FormRenderer from '@/components/forms/form-renderer.vue';
import { i18n, setLocale } from '@/i18n';

const api = vi.hoisted(() => {
  const rows: Record<string, CatalogOption[]> = {
    cis: [{ value: 7, label: 'HIS 应用', hint: '应用系统' }],
    users: [
      { value: 3, label: '张医生', hint: '心内科' },
      { value: 4, label: '李护士', hint: '急诊科' },
    ],
  };
  return {
    getCatalogOptions: vi.fn(async (query: CatalogOptionsQuery): Promise<CatalogOption[]> => {
      const found = rows[query.source] ?? [];
      return query.ids ? found.filter((row) => query.ids?.includes(row.value)) : found;
    }),
  };
});
vi.mock('@hitsm/api', async (original) => ({ ...(await original<typeof Api>()), ...api }));

function mountForm(schema: FormSchema, model: Ref<FormData>) {
  const Page = defineComponent({
    setup: () => () =>
      h(FormRenderer, { schema, modelValue: model.value, 'onUpdate:modelValue': (value: FormData) => (model.value = value) }),
  });
  return mount(Page, { global: { plugins: [i18n] }, attachTo: document.body });
}

describe('H5 form renderer: pickers backed by the API', () => {
  beforeEach(() => {
    setLocale('zh-CN');
    api.getCatalogOptions.mockClear();
  });

  it('searches configuration items of the field’s class and keeps the chosen id', async () => {
    const model = ref<FormData>({});
    const schema: FormSchema = {
      fields: [{ key: 'system', type: 'select', label: '系统', source: { kind: 'cis', ci_class: 'application' } }],
    };
    const page = mountForm(schema, model);
    await page.get('[data-testid="form-field-system"] .van-field').trigger('click');
    await flushPromises();
    expect(api.getCatalogOptions).toHaveBeenCalledWith({ source: 'cis', q: '', ci_class: 'application' });
    const item = document.querySelector<HTMLElement>('[data-testid="form-lookup-item-7"]');
    expect(item?.textContent).toContain('HIS 应用');
    expect(item?.textContent).toContain('应用系统');
    item?.click();
    await flushPromises();
    expect(model.value).toEqual({ system: 7 });
    expect((page.get('[data-testid="form-field-system"] input').element as HTMLInputElement).value).toBe('HIS 应用');
    page.unmount();
  });

  it('finds people through the catalog options with their department as the hint', async () => {
    const model = ref<FormData>({});
    const page = mountForm({ fields: [{ key: 'who', type: 'user', label: '联系人', multiple: true }] }, model);
    await page.get('[data-testid="form-field-who"] .van-field').trigger('click');
    await flushPromises();
    expect(api.getCatalogOptions).toHaveBeenCalledWith({ source: 'users', q: '', ci_class: undefined });
    expect(document.querySelector('[data-testid="form-lookup-item-4"]')?.textContent).toContain('急诊科');
    document.querySelector<HTMLElement>('[data-testid="form-lookup-item-3"]')?.click();
    document.querySelector<HTMLElement>('[data-testid="form-lookup-item-4"]')?.click();
    await flushPromises();
    document.querySelector<HTMLElement>('[data-testid="form-lookup-confirm"]')?.click();
    await flushPromises();
    expect(model.value).toEqual({ who: [3, 4] });
    expect((page.get('[data-testid="form-field-who"] input').element as HTMLInputElement).value).toBe('张医生、李护士');
    page.unmount();
  });

  it('names already chosen people with ids= without opening the picker', async () => {
    const model = ref<FormData>({ who: 4 });
    const page = mountForm({ fields: [{ key: 'who', type: 'user', label: '联系人' }] }, model);
    await flushPromises();
    expect(api.getCatalogOptions).toHaveBeenCalledTimes(1);
    expect(api.getCatalogOptions).toHaveBeenCalledWith({ source: 'users', ids: [4] });
    expect((page.get('[data-testid="form-field-who"] input').element as HTMLInputElement).value).toBe('李护士');
    page.unmount();
  });
});
