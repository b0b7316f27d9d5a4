import { configureApi, configureFormMessages, type ApiError } from '@hitsm/api';
import { ElMessage } from 'element-plus';
import type { App } from 'vue';
import type { Router } from 'vue-router';

import { formMessages } from '@/components/forms/form-messages';
import { reportError } from '@/errors';
import { currentLocale, i18n } from '@/i18n';
import { LOGIN_ROUTE } from '@/router/guard';
import { useJobsStore } from '@/stores/jobs';
import { useNotificationsStore } from '@/stores/notifications';
import { useRealtimeStore } from '@/stores/realtime';
import { useSessionStore } from '@/stores/session';

/** Wire the API client and global error handling to this app's i18n, stores and router. */
export function installAppServices(app: App, router: Router): void {
  const session = useSessionStore();
  const realtime = useRealtimeStore();
  const jobs = useJobsStore();
  const notifications = useNotificationsStore();

  function backToLogin(): void {
    const wasSignedIn = session.me !== null;
    session.clear();
    realtime.stop();
    jobs.reset();
    const current = router.currentRoute.value;
    if (current.meta.public) return;
    if (wasSignedIn) ElMessage.warning({ message: i18n.global.t('auth.session_expired'), grouping: true });
    void router.replace({ name: LOGIN_ROUTE, query: { next: current.fullPath } });
  }

  configureApi({
    getLocale: currentLocale,
    fallbackMessage: (code, status) => {
      if (code === 'network_error') return i18n.global.t('errors.network_error');
      if (code === 'server_error') return i18n.global.t('errors.server_error');
      return i18n.global.t('errors.http_error', { status });
    },
    onUnauthorized: (_error: ApiError) => backToLogin(),
  });
  // Form checks (validation, schema problems) called without messages speak the UI language.
  configureFormMessages(formMessages(i18n.global.t));

  app.config.errorHandler = (error) => reportError(error);
  window.addEventListener('unhandledrejection', (event) => {
    event.preventDefault();
    reportError(event.reason);
  });

  // Open the live connection whenever someone is signed in, close it when they leave.
  session.$subscribe(() => {
    if (session.me) realtime.start(backToLogin);
    else {
      realtime.stop();
      notifications.reset();
    }
  });
}
