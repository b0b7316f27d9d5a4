import { configureApi, configureFormMessages, isApiError } from '@hitsm/api';
import { showFailToast } from 'vant';
import type { App } from 'vue';
import type { Router } from 'vue-router';

import { formMessages } from '@/components/forms/form-messages';
import { currentLocale, i18n } from '@/i18n';
import { useSessionStore } from '@/stores/session';

function isUnauthorized(error: unknown): boolean {
  return isApiError(error) && (error.status === 401 || error.code === 'not_authenticated');
}

/** Failures no page handled: a toast with the server's message; 401 already went to login. */
export function reportError(error: unknown): void {
  if (isUnauthorized(error)) return;
  if (isApiError(error)) showFailToast({ message: error.message, wordBreak: 'break-word' });
  else {
    console.error(error);
    showFailToast(i18n.global.t('errors.unexpected'));
  }
}

export function installAppServices(app: App, router: Router): void {
  const session = useSessionStore();
  configureApi({
    getLocale: currentLocale,
    fallbackMessage: (code, status) => {
      if (code === 'network_error') return i18n.global.t('errors.network_error');
      if (code === 'server_error') return i18n.global.t('errors.server_error');
      return i18n.global.t('errors.http_error', { status });
    },
    onUnauthorized: () => {
      session.clear();
      const current = router.currentRoute.value;
      if (!current.meta.public) void router.replace({ name: 'login', query: { next: current.fullPath } });
    },
  });
  // Form checks (validation, schema problems) called without messages speak the UI language.
  configureFormMessages(formMessages(i18n.global.t));
  app.config.errorHandler = (error) => reportError(error);
  window.addEventListener('unhandledrejection', (event) => {
    event.preventDefault();
    reportError(event.reason);
  });
}
