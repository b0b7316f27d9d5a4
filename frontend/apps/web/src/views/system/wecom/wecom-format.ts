import type { WecomInboundStatus, WecomOutboundKind, WecomOutboundMessage, WecomOutboundStatus } from '@hitsm/api';

type TagType = 'success' | 'warning' | 'danger' | 'info' | 'primary';

export const INBOUND_STATUSES: readonly WecomInboundStatus[] = ['received', 'processing', 'done', 'ignored', 'failed'];
export const OUTBOUND_STATUSES: readonly WecomOutboundStatus[] = ['pending', 'sending', 'sent', 'partial', 'failed'];
export const OUTBOUND_KINDS: readonly WecomOutboundKind[] = [
  'text',
  'markdown',
  'template_card',
  'update_card',
  'appchat_create',
  'appchat_update',
  'appchat_send',
];

/** Status colours; the tag always carries the status's name too (colour is never the only signal). */
export const INBOUND_TAG: Record<WecomInboundStatus, TagType> = {
  received: 'primary',
  processing: 'primary',
  done: 'success',
  ignored: 'info',
  failed: 'danger',
};
export const OUTBOUND_TAG: Record<WecomOutboundStatus, TagType> = {
  pending: 'info',
  sending: 'primary',
  sent: 'success',
  partial: 'warning',
  failed: 'danger',
};

/** Only failed messages may be queued again (the server answers 409 otherwise). */
export function canRetry(row: Pick<WecomOutboundMessage, 'status'>): boolean {
  return row.status === 'failed';
}

/** Who a message went to: the users, or the group chat. */
export function recipients(row: Pick<WecomOutboundMessage, 'to_users' | 'chat_id'>, separator = ', '): string {
  return row.to_users.length ? row.to_users.join(separator) : row.chat_id;
}
