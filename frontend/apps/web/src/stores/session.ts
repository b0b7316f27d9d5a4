import { getMe, isApiError, logout, type Me } from '@hitsm/api';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

import { navKeysOf } from '@/router/guard';

/** Who is signed in. `me` comes from `GET auth/me/` once, then from login; null = signed out. */
export const useSessionStore = defineStore('session', () => {
  const me = ref<Me | null>(null);
  const loaded = ref(false);
  let loading: Promise<Me | null> | null = null;

  const navKeys = computed(() => navKeysOf(me.value));
  const isAdmin = computed(() => Boolean(me.value && (me.value.is_superuser || me.value.roles.includes('admin'))));

  async function fetchMe(): Promise<Me | null> {
    try {
      me.value = await getMe();
    } catch (error) {
      me.value = null;
      const signedOut = isApiError(error) && (error.status === 401 || error.code === 'not_authenticated');
      if (!signedOut) throw error;
    } finally {
      loaded.value = true;
    }
    return me.value;
  }

  /** The user for the route guard; asks the server only the first time. */
  function ensureLoaded(): Promise<Me | null> {
    if (loaded.value) return Promise.resolve(me.value);
    loading ??= fetchMe().finally(() => {
      loading = null;
    });
    return loading;
  }

  function signedIn(user: Me): void {
    me.value = user;
    loaded.value = true;
  }

  function clear(): void {
    me.value = null;
    loaded.value = true;
  }

  async function signOut(): Promise<void> {
    try {
      await logout();
    } finally {
      clear();
    }
  }

  return { me, loaded, navKeys, isAdmin, ensureLoaded, fetchMe, signedIn, clear, signOut };
});
