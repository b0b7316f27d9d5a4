import type * as ApiModule from '@hitsm/api';
import type { CatalogForm, CatalogFormVersion, FormSchema } from '@hitsm/api';
import { flushPromises, mount } from '@vue/test-utils';
import ElementPlus, { ElMessageBox } from 'element-plus';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h } from 'vue';
import { createMemoryHistory, createRouter, RouterView } from 'vue-router';

import { i18n, setLocale } from '@/i18n';

const api = vi.hoisted(() => ({
  getCatalogForm: vi.fn(),
  patchCatalogForm: vi.fn(),
  publishCatalogForm: vi.fn(),
  listCatalogFormVersions: vi.fn(),
  checkCatalogForm: vi.fn(),
  listCiClasses: vi.fn(),
}));
vi.mock('@hitsm/api', async (original) => ({ ...(await original<typeof ApiModule>()), ...api }));

function catalogForm(schema: FormSchema = { fields: [] }, patch: Partial<CatalogForm> = {}): CatalogForm {
  return {
    id: 5,
    code: 'vpn_request',
    name: 'VPN 申请',
    description: '',
    draft_schema: schema,
    published_version: null,
    published_at: null,
    updated_at: '2026-03-02T08:00:00+08:00',
    item_count: 0,
    ...patch,
  };
}

async function open(form: CatalogForm = catalogForm()) {
  api.getCatalogForm.mockResolvedValue(form);
  const Designer = (await import('@/views/catalog-admin/forms/designer/index.vue')).default;
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/admin/catalog/forms', name: 'catalog_forms', component: { render: () => h('div') } },
      { path: '/admin/catalog/forms/:id(\\d+)', name: 'catalog_form', component: Designer },
    ],
  });
  await router.push('/admin/catalog/forms/5');
  const wrapper = mount(defineComponent({ render: () => h(RouterView) }), {
    global: { plugins: [ElementPlus, i18n, router] },
    attachTo: document.body,
  });
  await flushPromises();
  return { wrapper, router };
}

const testid = (id: string) => `[data-testid="${id}"]`;

describe('form designer page', () => {
  beforeEach(() => {
    setLocale('zh-CN');
    api.listCiClasses.mockResolvedValue([]);
    api.patchCatalogForm.mockImplementation(async (_id: number, body: { draft_schema: FormSchema }) => catalogForm(body.draft_schema));
  });
  afterEach(() => {
    vi.clearAllMocks();
    document.body.innerHTML = '';
  });

  it('loads the draft and adds fields from the palette by clicking', async () => {
    const { wrapper } = await open();
    expect(api.getCatalogForm).toHaveBeenCalledWith(5);
    expect(wrapper.get(testid('palette-radio')).text()).toContain('单选');

    await wrapper.get(testid('palette-radio')).trigger('click');
    expect(wrapper.find(testid('canvas-field-field_1')).exists()).toBe(true);
    // The new field is selected: its properties are shown.
    expect((wrapper.get(testid('prop-key')).element as HTMLInputElement).value).toBe('field_1');
    expect((wrapper.get(testid('prop-option-0-value')).element as HTMLInputElement).value).toBe('opt1');
    expect(wrapper.find(testid('designer-dirty')).exists()).toBe(true);

    await wrapper.get(testid('palette-text')).trigger('click');
    expect(wrapper.find(testid('canvas-field-field_2')).exists()).toBe(true);
    wrapper.unmount();
  });

  it('edits properties, renames keys with their conditions, and saves the draft', async () => {
    const { wrapper } = await open();
    await wrapper.get(testid('palette-radio')).trigger('click');
    await wrapper.get(testid('prop-label')).setValue('需要VPN');
    await wrapper.get(testid('prop-option-0-value')).setValue('yes');
    await wrapper.get(testid('prop-option-0-label')).setValue('是');
    await wrapper.get(testid('prop-add-option')).trigger('click');
    expect(wrapper.find(testid('prop-option-2-value')).exists()).toBe(true);

    // A rejected key stays out of the draft.
    await wrapper.get(testid('prop-key')).setValue('Need VPN');
    await wrapper.get(testid('prop-key')).trigger('change');
    expect(wrapper.find(testid('canvas-field-field_1')).exists()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 150)); // el-form-item shows errors debounced
    expect(wrapper.get(testid('field-properties')).text()).toContain('须以小写字母开头');

    await wrapper.get(testid('prop-key')).setValue('need_vpn');
    await wrapper.get(testid('prop-key')).trigger('change');
    expect(wrapper.find(testid('canvas-field-need_vpn')).exists()).toBe(true);

    await wrapper.get(testid('palette-text')).trigger('click');
    await wrapper.get(testid('cond-add')).trigger('click');
    expect(wrapper.find(testid('cond-field-0')).exists()).toBe(true);
    expect(wrapper.find(testid('cond-op-0')).exists()).toBe(true);
    expect(wrapper.find(testid('cond-value-0')).exists()).toBe(true);
    // Keys are generated from those in use: field_1 is free again after the rename.
    expect(wrapper.get(testid('canvas-field-field_1')).text()).toContain('按条件显示');

    await wrapper.get(testid('designer-save')).trigger('click');
    await flushPromises();
    expect(api.patchCatalogForm).toHaveBeenCalledTimes(1);
    const [id, body] = api.patchCatalogForm.mock.calls[0] as [number, { draft_schema: FormSchema }];
    expect(id).toBe(5);
    expect(body.draft_schema.fields.map((f) => f.key)).toEqual(['need_vpn', 'field_1']);
    expect(body.draft_schema.fields[0]?.label).toBe('需要VPN');
    expect(body.draft_schema.fields[0]?.options?.[0]).toEqual({ value: 'yes', label: '是' });
    expect(body.draft_schema.fields[1]?.visible_when).toEqual({ match: 'all', rules: [{ field: 'need_vpn', op: 'eq', value: null }] });
    expect(wrapper.find(testid('designer-dirty')).exists()).toBe(false);
    wrapper.unmount();
  });

  it('refuses to save a draft with problems and lists them', async () => {
    const { wrapper } = await open();
    await wrapper.get(testid('palette-text')).trigger('click');
    await wrapper.get(testid('prop-label')).setValue('');
    expect(wrapper.find(testid('designer-problems')).exists()).toBe(true);
    expect(wrapper.get(testid('canvas-field-field_1')).classes()).toContain('has-problem');
    await wrapper.get(testid('designer-save')).trigger('click');
    await flushPromises();
    expect(api.patchCatalogForm).not.toHaveBeenCalled();
    wrapper.unmount();
  });

  it('places the server refusal on the fields', async () => {
    const { ApiError } = await import('@hitsm/api');
    api.patchCatalogForm.mockRejectedValueOnce(
      new ApiError(400, 'validation_error', '表单定义有误', { 'draft_schema.fields.0.options': ['选项的值不能重复'] }),
    );
    const { wrapper } = await open();
    await wrapper.get(testid('palette-select')).trigger('click');
    await wrapper.get(testid('designer-save')).trigger('click');
    await flushPromises();
    expect(wrapper.get(testid('designer-problems')).text()).toContain('选项的值不能重复');
    expect(wrapper.get(testid('canvas-field-field_1')).classes()).toContain('has-problem');
    wrapper.unmount();
  });

  it('copies and deletes the selected field; deleting drops the conditions on it', async () => {
    const schema: FormSchema = {
      fields: [
        { key: 'need', type: 'radio', label: 'Need', options: [{ value: 'yes', label: 'Yes' }] },
        { key: 'why', type: 'text', label: 'Why', visible_when: { match: 'all', rules: [{ field: 'need', op: 'eq', value: 'yes' }] } },
      ],
    };
    const { wrapper } = await open(catalogForm(schema));
    expect(wrapper.find(testid('designer-dirty')).exists()).toBe(false);
    await wrapper.get(testid('canvas-field-need')).trigger('click');
    await wrapper.get(testid('canvas-copy-need')).trigger('click');
    expect(wrapper.find(testid('canvas-field-field_1')).exists()).toBe(true);
    await wrapper.get(testid('canvas-field-need')).trigger('click');
    await wrapper.get(testid('canvas-delete-need')).trigger('click');
    expect(wrapper.find(testid('canvas-field-need')).exists()).toBe(false);
    expect(wrapper.get(testid('canvas-field-why')).text()).not.toContain('按条件显示');
    wrapper.unmount();
  });

  it('adds table columns and edits a column', async () => {
    const { wrapper } = await open();
    await wrapper.get(testid('palette-table')).trigger('click');
    expect(wrapper.find(testid('canvas-column-field_1-col_1')).exists()).toBe(true);
    await wrapper.get(testid('prop-add-column')).trigger('click');
    await flushPromises();
    // The menu is teleported to the body.
    (document.querySelector(testid('prop-add-column-number')) as HTMLElement).click();
    await flushPromises();
    expect(wrapper.find(testid('canvas-column-field_1-col_2')).exists()).toBe(true);
    // The new column is selected.
    expect((wrapper.get(testid('prop-key')).element as HTMLInputElement).value).toBe('col_2');
    await wrapper.get(testid('prop-required')).find('input').setValue(true);
    await wrapper.get(testid('designer-save')).trigger('click');
    await flushPromises();
    const [, body] = api.patchCatalogForm.mock.calls[0] as [number, { draft_schema: FormSchema }];
    expect(body.draft_schema.fields[0]?.columns?.map((c) => [c.key, c.type, c.required])).toEqual([
      ['col_1', 'text', false],
      ['col_2', 'number', true],
    ]);
    wrapper.unmount();
  });

  it('publishes with a note, saving a changed draft first', async () => {
    const version: CatalogFormVersion = {
      id: 1,
      form: 5,
      version: 1,
      schema: { fields: [] },
      note: '首版',
      published_at: '2026-03-02T09:00:00+08:00',
      published_by_name: '管理员',
    };
    api.publishCatalogForm.mockResolvedValue(version);
    const prompt = vi.spyOn(ElMessageBox, 'prompt').mockResolvedValue({ value: ' 首版 ', action: 'confirm' } as never);
    const { wrapper } = await open();
    await wrapper.get(testid('palette-date')).trigger('click');
    await wrapper.get(testid('designer-publish')).trigger('click');
    await flushPromises();
    expect(prompt).toHaveBeenCalled();
    expect(api.patchCatalogForm).toHaveBeenCalledTimes(1);
    expect(api.publishCatalogForm).toHaveBeenCalledWith(5, '首版');
    expect(wrapper.get(testid('designer-version')).text()).toContain('V1');
    prompt.mockRestore();
    wrapper.unmount();
  });

  it('takes drops from the palette: a field at the drop position, a column into a table', async () => {
    // SortableJS does the dragging (not in jsdom); the canvas then emits the new lists.
    const DesignerCanvas = (await import('@/views/catalog-admin/forms/components/designer-canvas.vue')).default;
    const schema: FormSchema = {
      fields: [
        { key: 'a', type: 'text', label: 'A' },
        { key: 't', type: 'table', label: 'T', columns: [{ key: 'col_1', type: 'text', label: 'C' }] },
      ],
    };
    const { wrapper } = await open(catalogForm(schema));
    const canvas = wrapper.getComponent(DesignerCanvas);
    const dropped = { key: 'field_1', type: 'date' as const, label: '日期' };
    canvas.vm.$emit('update:fields', [schema.fields[0], dropped, schema.fields[1]]);
    await flushPromises();
    expect(wrapper.findAll('[data-testid^="canvas-field-"]').map((el) => el.attributes('data-testid'))).toEqual([
      'canvas-field-a',
      'canvas-field-field_1',
      'canvas-field-t',
    ]);
    expect((wrapper.get(testid('prop-key')).element as HTMLInputElement).value).toBe('field_1');

    const columns = schema.fields[1]?.columns ?? [];
    canvas.vm.$emit('columns', 't', [{ key: 'field_2', type: 'number', label: '数字' }, ...columns]);
    await flushPromises();
    expect(wrapper.find(testid('canvas-column-t-col_2')).exists()).toBe(true);
    expect((wrapper.get(testid('prop-key')).element as HTMLInputElement).value).toBe('col_2');
    wrapper.unmount();
  });

  it('previews the draft and shows the server check', async () => {
    const schema: FormSchema = { fields: [{ key: 'reason', type: 'text', label: '原因', required: true }] };
    api.checkCatalogForm.mockResolvedValue({ valid: false, errors: { 'form_data.reason': ['请填写此项'] }, cleaned: {} });
    const { wrapper } = await open(catalogForm(schema));
    await wrapper.get(testid('designer-preview')).trigger('click');
    await flushPromises();
    const dialog = () => document.querySelector(testid('preview-dialog')) as HTMLElement;
    expect(dialog().querySelector(testid('form-field-reason'))).not.toBeNull();
    (dialog().querySelector(testid('preview-check')) as HTMLElement).click();
    await flushPromises();
    // The draft is saved, so the server checks what is on screen; nothing to save here.
    expect(api.patchCatalogForm).not.toHaveBeenCalled();
    expect(api.checkCatalogForm).toHaveBeenCalledWith(5, {});
    expect(dialog().querySelector(testid('preview-invalid'))?.textContent).toContain('原因：请填写此项');
    wrapper.unmount();
  });

  it('asks before leaving with unsaved changes', async () => {
    const confirm = vi.spyOn(ElMessageBox, 'confirm').mockRejectedValue('cancel');
    const { wrapper, router } = await open();
    await wrapper.get(testid('palette-text')).trigger('click');
    await router.push({ name: 'catalog_forms' }).catch(() => undefined);
    await flushPromises();
    expect(confirm).toHaveBeenCalled();
    expect(router.currentRoute.value.name).toBe('catalog_form');
    confirm.mockRestore();
    wrapper.unmount();
  });
});
