import { getMe, isApiError, logout, type Me } from '@hitsm/api';
import { defineStore } from 'pinia';
import { ref } from 'vue';

/** Who is signed in; null = signed out. Same contract as the web app's store. */
export const useSessionStore = defineStore('session', () => {
  const me = ref<Me | null>(null);
  const loaded = ref(false);
  let loading: Promise<Me | null> | null = null;

  async function fetchMe(): Promise<Me | null> {
    try {
      me.value = await getMe();
    } catch (error) {
      me.value = null;
      if (!(isApiError(error) && (error.status === 401 || error.code === 'not_authenticated'))) throw error;
    } finally {
      loaded.value = true;
    }
    return me.value;
  }

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

  return { me, loaded, ensureLoaded, fetchMe, signedIn, clear, signOut };
});
