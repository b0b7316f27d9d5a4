import type { FormData, FormDisplayField, FormErrors, FormSchema } from '@hitsm/api';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { beforeEach, describe, expect, it } from 'vitest';
import { defineComponent, h, ref } from 'vue';

import FormDisplay from '@/components/forms/form-display.vue';
import FormRenderer from '@/components/forms/form-renderer.vue';
import { i18n, setLocale } from '@/i18n';

const SCHEMA: FormSchema = {
  fields: [
    { key: 'intro', type: 'section', label: '申请信息', help: '请如实填写' },
    {
      key: 'need_vpn',
      type: 'radio',
      label: '是否需要 VPN',
      required: true,
      options: [
        { value: 'yes', label: '需要' },
        { value: 'no', label: '不需要' },
      ],
    },
    {
      key: 'vpn_reason',
      type: 'text',
      label: '申请原因',
      required: true,
      help: '说明用途',
      visible_when: { match: 'all', rules: [{ field: 'need_vpn', op: 'eq', value: 'yes' }] },
    },
    { key: 'disk', type: 'number', label: '磁盘', unit: 'GB', min: 1, max: 100 },
    {
      key: 'items',
      type: 'table',
      label: '设备清单',
      columns: [
        { key: 'name', type: 'text', label: '名称', required: true },
        { key: 'qty', type: 'number', label: '数量' },
      ],
    },
    { key: 'photo', type: 'image', label: '照片', max_files: 2 },
  ],
};

type Renderer = VueWrapper<InstanceType<typeof FormRenderer>>;

/** The renderer under a page that keeps the answers (v-model), like a real one. */
function render(initial: FormData = {}, errors: FormErrors = {}): Renderer {
  const model = ref<FormData>(initial);
  const Page = defineComponent({
    setup: () => () => h(FormRenderer, { schema: SCHEMA, modelValue: model.value, errors, 'onUpdate:modelValue': (value: FormData) => (model.value = value) }),
  });
  const page = mount(Page, { global: { plugins: [i18n] }, attachTo: document.body });
  return page.findComponent(FormRenderer) as Renderer;
}

const lastModel = (wrapper: Renderer) => wrapper.props('modelValue') as FormData;

async function chooseRadio(form: Renderer, key: string, label: string): Promise<void> {
  const radio = form.get(`[data-testid="form-field-${key}"]`).findAll('.van-radio').find((node) => node.text() === label);
  await radio?.trigger('click');
  await flushPromises();
}

describe('H5 form renderer', () => {
  beforeEach(() => setLocale('zh-CN'));

  it('shows a conditional field while its condition holds and drops its answer when it hides', async () => {
    const form = render({ need_vpn: 'no' });
    await flushPromises();
    expect(form.find('[data-testid="form-field-vpn_reason"]').exists()).toBe(false);
    expect(form.get('[data-testid="form-field-intro"]').text()).toContain('请如实填写');

    await chooseRadio(form, 'need_vpn', '需要');
    expect(lastModel(form).need_vpn).toBe('yes');
    const reason = form.get('[data-testid="form-field-vpn_reason"]');
    expect(reason.text()).toContain('说明用途');
    await reason.get('input').setValue('远程办公');
    expect(lastModel(form).vpn_reason).toBe('远程办公');

    await chooseRadio(form, 'need_vpn', '不需要');
    expect(form.find('[data-testid="form-field-vpn_reason"]').exists()).toBe(false);
    expect(lastModel(form)).not.toHaveProperty('vpn_reason');
  });

  it('validate() is false for a missing required field and says so under it', async () => {
    const form = render({});
    await flushPromises();
    expect(form.vm.validate()).toBe(false);
    await flushPromises();
    expect(form.get('[data-testid="form-error-need_vpn"]').text()).toBe('请填写此项');
    await chooseRadio(form, 'need_vpn', '不需要');
    expect(form.find('[data-testid="form-error-need_vpn"]').exists()).toBe(false);
    expect(form.vm.validate()).toBe(true);
  });

  it('numbers are typed as text and kept as numbers, unit beside them', async () => {
    const form = render({ need_vpn: 'no' });
    await flushPromises();
    const disk = form.get('[data-testid="form-field-disk"]');
    expect(disk.text()).toContain('GB');
    await disk.get('input').setValue('120');
    expect(lastModel(form).disk).toBe(120);
    expect(form.vm.validate()).toBe(false);
    await flushPromises();
    expect(form.get('[data-testid="form-error-disk"]').text()).toBe('不能大于 100');
  });

  it('adds a table row as a card and shows the error of its cell', async () => {
    const form = render({ need_vpn: 'no' });
    await flushPromises();
    await form.get('[data-testid="form-add-row-items"]').trigger('click');
    await flushPromises();
    expect(form.find('[data-testid="form-row-items-0"]').exists()).toBe(true);
    await form.get('[data-testid="form-cell-items.0.qty"] input').setValue('2');
    expect(lastModel(form).items).toEqual([{ qty: 2 }]);
    expect(form.vm.validate()).toBe(false);
    await flushPromises();
    expect(form.get('[data-testid="form-error-items.0.name"]').text()).toBe('请填写此项');

    await form.get('[data-testid="form-cell-items.0.name"] input').setValue('打印机');
    expect(form.find('[data-testid="form-error-items.0.name"]').exists()).toBe(false);
    expect(form.vm.validate()).toBe(true);

    await form.get('[data-testid="form-remove-row-items-0"]').trigger('click');
    await flushPromises();
    expect(form.find('[data-testid="form-row-items-0"]').exists()).toBe(false);
  });

  it('shows server errors under their fields, and the ones without a field on top', async () => {
    const form = render({ need_vpn: 'no', items: [{}, { name: 'x' }] }, { 'items.0.name': ['所选项不存在或不可选'], ghost: ['表单中没有这个字段'] });
    await flushPromises();
    expect(form.get('[data-testid="form-error-items.1.name"]').text()).toBe('所选项不存在或不可选');
    expect(form.get('[data-testid="form-errors-other"]').text()).toContain('表单中没有这个字段');
  });

  it('takes images only for an image field and hands out the picked files', async () => {
    const form = render({ need_vpn: 'no' });
    await flushPromises();
    const input = form.get('[data-testid="form-field-photo"] input[type="file"]');
    expect(input.attributes('accept')).toBe('image/*');
    const photo = new File(['jpg'], 'screen.jpg', { type: 'image/jpeg' });
    Object.defineProperty(input.element, 'files', { value: [photo], configurable: true });
    await input.trigger('change');
    await new Promise((resolve) => setTimeout(resolve, 20)); // the uploader reads the file first
    await flushPromises();
    expect(form.vm.files()).toEqual({ photo: [photo] });
  });
});

describe('H5 form display', () => {
  beforeEach(() => setLocale('zh-CN'));

  it('lists the answers, table rows as cards and files as links', () => {
    const fields: FormDisplayField[] = [
      { key: 'system', label: '系统', type: 'select', text: 'HIS' },
      { key: 'items', label: '设备清单', type: 'table', text: '1行', table: { columns: [{ key: 'name', label: '名称' }], rows: [['打印机']] } },
      { key: 'scan', label: '附件', type: 'file', text: '1个附件', attachments: [42] },
    ];
    const display = mount(FormDisplay, {
      props: { fields, attachmentUrl: (id: number) => `/api/v1/attachments/${id}/download/` },
      global: { plugins: [i18n] },
    });
    expect(display.get('[data-testid="form-display-system"]').text()).toContain('HIS');
    expect(display.get('[data-testid="form-display-items"]').text()).toContain('打印机');
    expect(display.get('[data-testid="form-display-scan"] a').attributes('href')).toBe('/api/v1/attachments/42/download/');
  });
});
