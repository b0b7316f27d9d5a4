import { getWecomStatus, type WecomStatus } from '@hitsm/api';

const OFF: WecomStatus = { enabled: false, oauth: false };
let pending: Promise<WecomStatus> | null = null;

/**
 * Whether WeCom is on, asked once per page load (every ticket of the desk shows the chat block).
 * A failed answer counts as "off" and is asked again next time.
 */
export function wecomStatus(): Promise<WecomStatus> {
  pending ??= getWecomStatus().catch(() => {
    pending = null;
    return OFF;
  });
  return pending;
}

/** Forget the answer (tests; after an admin switched WeCom on or off). */
export function forgetWecomStatus(): void {
  pending = null;
}
