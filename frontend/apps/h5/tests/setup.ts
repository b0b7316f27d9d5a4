import { afterAll } from 'vitest';

// Vant measures some elements on timers up to 300 ms after they mount (safe-area placeholders of
// the nav and tab bars). Let those fire while each test file's window still exists: after the
// environment is torn down they would throw "window is not defined".
afterAll(() => new Promise<void>((resolve) => setTimeout(resolve, 400)));
