import { isApiError } from '@hitsm/api';
import { ElMessage } from 'element-plus';

import { i18n } from '@/i18n';

export function isUnauthorized(error: unknown): boolean {
  return isApiError(error) && (error.status === 401 || error.code === 'not_authenticated');
}

/**
 * Last stop for failures no page handled itself: a toast with the server's (translated) message.
 * A 401 has already sent the user to the login page, so it shows nothing more.
 */
export function reportError(error: unknown): void {
  if (isUnauthorized(error)) return;
  if (isApiError(error)) {
    ElMessage.error({ message: error.message, grouping: true, showClose: true });
    return;
  }
  console.error(error);
  ElMessage.error({ message: i18n.global.t('errors.unexpected'), grouping: true, showClose: true });
}
