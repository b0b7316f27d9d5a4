import { ElMessage } from 'element-plus';
import { useI18n } from 'vue-i18n';

/** Copy text with a toast; plain-HTTP intranet pages have no Clipboard API, so fall back. */
export function useClipboard(): (text: string) => Promise<void> {
  const { t } = useI18n();
  return async (text: string) => {
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
      } else {
        const area = document.createElement('textarea');
        area.value = text;
        area.setAttribute('readonly', '');
        area.style.position = 'fixed';
        area.style.opacity = '0';
        document.body.appendChild(area);
        area.select();
        const ok = document.execCommand('copy');
        area.remove();
        if (!ok) throw new Error('copy failed');
      }
      ElMessage.success(t('common.copied'));
    } catch {
      ElMessage.warning(t('common.copy_failed'));
    }
  };
}
