import { ref, watch, type Ref } from 'vue';

export const MUTE_STORAGE_KEY = 'hitsm.board.muted';

function read(): boolean {
  try {
    return globalThis.localStorage?.getItem(MUTE_STORAGE_KEY) === '1';
  } catch {
    return false;
  }
}

/** The board's sound switch, remembered in this browser (localStorage) across reloads. */
export function useMute(): Ref<boolean> {
  const muted = ref(read());
  watch(muted, (value) => {
    try {
      if (value) globalThis.localStorage?.setItem(MUTE_STORAGE_KEY, '1');
      else globalThis.localStorage?.removeItem(MUTE_STORAGE_KEY);
    } catch {
      // private mode or storage full: the switch still works for this page
    }
  });
  return muted;
}
