import { onScopeDispose, ref, type Ref } from 'vue';

const now = ref(new Date());
let timer: ReturnType<typeof setInterval> | null = null;
let users = 0;

/** One shared clock ticking every 30 s, so relative times and SLA badges stay current. */
export function useNow(): Ref<Date> {
  users += 1;
  if (!timer) {
    now.value = new Date(); // the clock was stopped while nobody looked
    timer = setInterval(() => (now.value = new Date()), 30_000);
  }
  onScopeDispose(() => {
    users -= 1;
    if (users === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  });
  return now;
}
