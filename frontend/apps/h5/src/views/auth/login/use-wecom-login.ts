import { getWecomStatus, wecomOauthStartUrl } from '@hitsm/api';
import { computed, onMounted, ref } from 'vue';
import { useRoute, useRouter } from 'vue-router';

import { isWeComBrowser, openWecomLogin } from '@/composables/use-wecom';
import { safeNext } from '@/router/guard';

/** Why the server sent the user back here from WeCom's sign-in (`?wecom=`), if it did. */
export type WecomLoginNotice = 'unbound' | 'failed';

export function wecomNotice(value: unknown): WecomLoginNotice | null {
  const first = Array.isArray(value) ? value[0] : value;
  return first === 'unbound' || first === 'failed' ? first : null;
}

/**
 * WeCom sign-in on the login page: offered when the server says its OAuth is on, and started at
 * once inside WeCom's browser unless WeCom just sent the user back (`?wecom=` present: no loop).
 * An unbound WeCom account signs in with the password once; the server then binds it.
 */
export function useWecomLogin() {
  const route = useRoute();
  const router = useRouter();
  const oauth = ref(false);
  const redirecting = ref(false);
  const notice = computed(() => wecomNotice(route.query.wecom));
  /** The button is offered unless the user must first bind the account with the password. */
  const offered = computed(() => oauth.value && notice.value !== 'unbound');

  function start(): void {
    redirecting.value = true;
    // `next` as a full path under the portal's base (`/h5/...`): the server redirects there.
    openWecomLogin(wecomOauthStartUrl(router.resolve(safeNext(route.query.next)).href));
  }

  onMounted(async () => {
    try {
      oauth.value = (await getWecomStatus()).oauth;
    } catch {
      oauth.value = false;
    }
    if (oauth.value && isWeComBrowser() && route.query.wecom === undefined) start();
  });

  return { oauth, offered, notice, redirecting, start };
}
