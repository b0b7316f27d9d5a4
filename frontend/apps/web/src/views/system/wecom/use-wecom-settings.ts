import {
  generateWecomCallbackKeys,
  getWecomConfig,
  saveWecomConfig,
  testWecomConnection,
  type WecomCallbackKeys,
  type WecomConfig,
  type WecomConfigInput,
  type WecomTestResult,
} from '@hitsm/api';
import { ElMessage } from 'element-plus';
import { computed, ref } from 'vue';
import { useI18n } from 'vue-i18n';

import { forgetWecomStatus } from '@/components/wecom/use-wecom-status';
import { useFormErrors } from '@/composables/use-form-errors';
import { reportError } from '@/errors';

export const DEFAULT_BASE_URL = 'https://qyapi.weixin.qq.com';
export const DEFAULT_OAUTH_BASE_URL = 'https://open.weixin.qq.com';

/** The fields the form shows; secrets start empty (the server only says whether they are set). */
export interface WecomSettingsForm {
  enabled: boolean;
  corp_id: string;
  /** Text in the input; sent as a number (or null when empty). */
  agent_id: string;
  base_url: string;
  oauth_base_url: string;
  proxy: string;
  secret: string;
  token: string;
  encoding_aes_key: string;
}

export const FORM_FIELDS = [
  'enabled',
  'corp_id',
  'agent_id',
  'base_url',
  'oauth_base_url',
  'proxy',
  'secret',
  'token',
  'encoding_aes_key',
] as const;

export function settingsForm(config: WecomConfig | null): WecomSettingsForm {
  return {
    enabled: config?.enabled ?? false,
    corp_id: config?.corp_id ?? '',
    agent_id: typeof config?.agent_id === 'number' ? String(config.agent_id) : '',
    base_url: config?.base_url || DEFAULT_BASE_URL,
    oauth_base_url: config?.oauth_base_url || DEFAULT_OAUTH_BASE_URL,
    proxy: config?.proxy ?? '',
    secret: '',
    token: '',
    encoding_aes_key: '',
  };
}

/** What PUT sends: trimmed, empty addresses back to WeCom's defaults, empty secrets left out. */
export function settingsInput(form: WecomSettingsForm, secretFromEnv = false): WecomConfigInput {
  const agent = form.agent_id.trim();
  const input: WecomConfigInput = {
    enabled: form.enabled,
    corp_id: form.corp_id.trim(),
    agent_id: agent === '' ? null : Number(agent),
    base_url: form.base_url.trim() || DEFAULT_BASE_URL,
    oauth_base_url: form.oauth_base_url.trim() || DEFAULT_OAUTH_BASE_URL,
    proxy: form.proxy.trim(),
  };
  const secret = form.secret.trim();
  if (secret && !secretFromEnv) input.secret = secret;
  if (form.token.trim()) input.token = form.token.trim();
  if (form.encoding_aes_key.trim()) input.encoding_aes_key = form.encoding_aes_key.trim();
  return input;
}

/** Whether the form differs from what is saved (the connection test uses the saved settings). */
export function settingsDirty(form: WecomSettingsForm, config: WecomConfig | null): boolean {
  const saved = settingsForm(config);
  return FORM_FIELDS.some((key) => (typeof form[key] === 'string' ? String(form[key]).trim() : form[key]) !== saved[key]);
}

/** The form fields the server takes from its environment (this page cannot change them). */
export function envLockedFields(config: WecomConfig | null): Set<string> {
  const names = new Set(config?.from_env ?? []);
  if (config?.secret_source === 'env') names.add('secret');
  if (names.has('aes_key')) names.add('encoding_aes_key');
  return names;
}

/** Checks the browser can make before asking the server (which has the last word). */
export function settingsProblems(form: WecomSettingsForm): Partial<Record<'agent_id' | 'base_url' | 'oauth_base_url' | 'proxy', 'agent_id_invalid' | 'url_invalid'>> {
  const problems: ReturnType<typeof settingsProblems> = {};
  if (form.agent_id.trim() && !/^\d+$/.test(form.agent_id.trim())) problems.agent_id = 'agent_id_invalid';
  for (const key of ['base_url', 'oauth_base_url', 'proxy'] as const) {
    const value = form[key].trim();
    if (value && !/^https?:\/\/\S+$/i.test(value)) problems[key] = 'url_invalid';
  }
  return problems;
}

/** The settings tab's state: the saved config, the form, save, the callback keys and the connection test. */
export function useWecomSettings() {
  const { t } = useI18n();
  const config = ref<WecomConfig | null>(null);
  const form = ref<WecomSettingsForm>(settingsForm(null));
  const loading = ref(false);
  const saving = ref(false);
  const generating = ref(false);
  const testing = ref(false);
  const testResult = ref<WecomTestResult | null>(null);
  const generated = ref<WecomCallbackKeys | null>(null);
  const { errors, clear, capture } = useFormErrors(FORM_FIELDS);

  const fromEnv = computed(() => envLockedFields(config.value));
  const secretFromEnv = computed(() => fromEnv.value.has('secret'));
  const dirty = computed(() => settingsDirty(form.value, config.value));

  function apply(saved: WecomConfig): void {
    config.value = saved;
    form.value = settingsForm(saved);
  }

  async function load(): Promise<void> {
    loading.value = true;
    try {
      apply(await getWecomConfig());
    } catch (error) {
      reportError(error);
    } finally {
      loading.value = false;
    }
  }

  async function save(): Promise<boolean> {
    clear();
    const problems = settingsProblems(form.value);
    if (Object.keys(problems).length) {
      errors.value = Object.fromEntries(Object.entries(problems).map(([key, code]) => [key, t(`wecom.settings.${code}`)]));
      return false;
    }
    saving.value = true;
    try {
      apply(await saveWecomConfig(settingsInput(form.value, secretFromEnv.value)));
      forgetWecomStatus();
      ElMessage.success(t('wecom.settings.saved'));
      return true;
    } catch (error) {
      try {
        capture(error);
      } catch (other) {
        reportError(other);
      }
      return false;
    } finally {
      saving.value = false;
    }
  }

  /** New callback keys, saved by the server; kept in `generated` until the dialog is closed. */
  async function generate(): Promise<void> {
    generating.value = true;
    try {
      generated.value = await generateWecomCallbackKeys();
      if (config.value) config.value = { ...config.value, token_set: true, encoding_aes_key_set: true };
      form.value.token = '';
      form.value.encoding_aes_key = '';
    } catch (error) {
      reportError(error);
    } finally {
      generating.value = false;
    }
  }

  async function test(): Promise<void> {
    testing.value = true;
    testResult.value = null;
    try {
      testResult.value = await testWecomConnection();
    } catch (error) {
      reportError(error);
    } finally {
      testing.value = false;
    }
  }

  return { config, form, errors, loading, saving, generating, testing, testResult, generated, fromEnv, secretFromEnv, dirty, load, save, generate, test };
}

export type WecomSettings = ReturnType<typeof useWecomSettings>;
