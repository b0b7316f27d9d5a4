import { FORM_MESSAGES_EN, type FormData, type FormDisplayField, type FormErrors, type FormSchema } from '@hitsm/api';
import { messages } from '@hitsm/locales';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import ElementPlus from 'element-plus';
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
    { key: 'scan', type: 'file', label: '附件', max_files: 2 },
  ],
};

type Renderer = VueWrapper<InstanceType<typeof FormRenderer>>;

/** The renderer under a page that keeps the answers (v-model), like a real one. */
function render(initial: FormData = {}, errors: FormErrors = {}): Renderer {
  const model = ref<FormData>(initial);
  const Page = defineComponent({
    setup: () => () => h(FormRenderer, { schema: SCHEMA, modelValue: model.value, errors, 'onUpdate:modelValue': (value: FormData) => (model.value = value) }),
  });
  const page = mount(Page, { global: { plugins: [ElementPlus, i18n] }, attachTo: document.body });
  return page.findComponent(FormRenderer) as Renderer;
}

const lastModel = (wrapper: Renderer) => wrapper.props('modelValue') as FormData;
/** el-table lays out its columns after mounting. */
const settle = async () => {
  await flushPromises();
  await new Promise((resolve) => setTimeout(resolve, 60));
  await flushPromises();
};

describe('web form renderer', () => {
  beforeEach(() => setLocale('zh-CN'));

  it('shows a conditional field while its condition holds and drops its answer when it hides', async () => {
    const form = render({ need_vpn: 'no' });
    await settle();
    expect(form.find('[data-testid="form-field-vpn_reason"]').exists()).toBe(false);
    expect(form.get('[data-testid="form-field-intro"]').text()).toContain('请如实填写');

    await form.get('[data-testid="form-field-need_vpn"] input[value="yes"]').setValue(true);
    await settle();
    expect(lastModel(form).need_vpn).toBe('yes');
    const reason = form.get('[data-testid="form-field-vpn_reason"]');
    expect(reason.text()).toContain('说明用途');
    await reason.get('input').setValue('远程办公');
    expect(lastModel(form).vpn_reason).toBe('远程办公');

    await form.get('[data-testid="form-field-need_vpn"] input[value="no"]').setValue(true);
    await settle();
    expect(form.find('[data-testid="form-field-vpn_reason"]').exists()).toBe(false);
    expect(lastModel(form)).not.toHaveProperty('vpn_reason');
  });

  it('validate() is false for a missing required field and says so beside it', async () => {
    const form = render({});
    await settle();
    expect(form.vm.validate()).toBe(false);
    await flushPromises();
    expect(form.get('[data-testid="form-error-need_vpn"]').text()).toBe('请填写此项');
    await form.get('[data-testid="form-field-need_vpn"] input[value="no"]').setValue(true);
    await settle();
    expect(form.find('[data-testid="form-error-need_vpn"]').exists()).toBe(false);
    expect(form.vm.validate()).toBe(true);
  });

  it('adds a table row and shows the error of its cell', async () => {
    const form = render({ need_vpn: 'no' });
    await settle();
    await form.get('[data-testid="form-add-row-items"]').trigger('click');
    await settle();
    const cell = form.get('[data-testid="form-cell-items.0.qty"]');
    await cell.get('input').setValue('2');
    await cell.get('input').trigger('change');
    await settle();
    expect(lastModel(form).items).toEqual([{ qty: 2 }]);
    expect(form.vm.validate()).toBe(false);
    await flushPromises();
    expect(form.get('[data-testid="form-error-items.0.name"]').text()).toBe('请填写此项');

    await form.get('[data-testid="form-cell-items.0.name"] input').setValue('打印机');
    await flushPromises();
    expect(form.find('[data-testid="form-error-items.0.name"]').exists()).toBe(false);
    expect(form.vm.validate()).toBe(true);
  });

  it('shows server errors beside their fields, on the rows on screen, and the rest on top', async () => {
    const form = render(
      { need_vpn: 'no', disk: 5, items: [{}, { name: 'x' }] },
      { disk: ['不能大于 100'], 'items.0.name': ['所选项不存在或不可选'], ghost: ['表单中没有这个字段'] },
    );
    await settle();
    expect(form.get('[data-testid="form-error-disk"]').text()).toBe('不能大于 100');
    expect(form.get('[data-testid="form-field-disk"]').text()).toContain('GB');
    // The server counted the non-empty rows only: its row 0 is the second row shown.
    expect(form.get('[data-testid="form-error-items.1.name"]').text()).toBe('所选项不存在或不可选');
    expect(form.get('[data-testid="form-errors-other"]').text()).toContain('表单中没有这个字段');
  });

  it('hands out the picked files per field', async () => {
    const form = render({ need_vpn: 'no' });
    await settle();
    const input = form.get('[data-testid="form-upload-scan"] input[type="file"]');
    const file = new File(['%PDF'], 'scan.pdf', { type: 'application/pdf' });
    Object.defineProperty(input.element, 'files', { value: [file], configurable: true });
    await input.trigger('change');
    await flushPromises();
    expect(form.vm.files()).toEqual({ scan: [file] });
  });
});

describe('web form display', () => {
  beforeEach(() => setLocale('zh-CN'));

  it('lists the answers, a table as a table and files as links', async () => {
    const fields: FormDisplayField[] = [
      { key: 'system', label: '系统', type: 'select', text: 'HIS' },
      { key: 'items', label: '设备清单', type: 'table', text: '1行', table: { columns: [{ key: 'name', label: '名称' }], rows: [['打印机']] } },
      { key: 'scan', label: '附件', type: 'file', text: '1个附件', attachments: [42] },
    ];
    const display = mount(FormDisplay, {
      props: { fields, attachmentUrl: (id: number) => `/api/v1/attachments/${id}/download/` },
      global: { plugins: [ElementPlus, i18n] },
    });
    await settle();
    expect(display.get('[data-testid="form-display-system"]').text()).toBe('HIS');
    expect(display.get('[data-testid="form-display-items"]').text()).toContain('打印机');
    expect(display.get('[data-testid="form-display-scan"] a').attributes('href')).toBe('/api/v1/attachments/42/download/');
  });
});

describe('form messages', () => {
  it('every message code has its words in both languages', () => {
    for (const code of Object.keys(FORM_MESSAGES_EN)) {
      expect(messages['zh-CN'].forms.messages, code).toHaveProperty(code);
      expect(messages.en.forms.messages, code).toHaveProperty(code);
    }
  });
});
