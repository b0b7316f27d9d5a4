import { expect, type Locator, type Page } from '@playwright/test';

/**
 * Mouse work in the process designer (bpmn-js): finding an element on the page, selecting it,
 * dragging, creating from the palette and the context pad, and choosing in the properties
 * panel's Element Plus selects. Shared by the workflow specs.
 */

export type Point = { x: number; y: number };

/** The element's group in the designer's diagram (shapes and connections carry their id). */
export function diagramElement(page: Page, elementId: string): Locator {
  return page.locator(`[data-testid="bpmn-canvas"] .djs-element[data-element-id="${elementId}"]`).first();
}

/** Ids of the diagram's elements whose id starts with `prefix`, in document order. */
export async function diagramIds(page: Page, prefix: string): Promise<string[]> {
  return page
    .locator(`[data-testid="bpmn-canvas"] .djs-element[data-element-id^="${prefix}"]`)
    .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-element-id') ?? '').filter((id) => !id.endsWith('_label')));
}

/** The page box of a diagram element, once the view stopped moving (fit, scroll). */
export async function stableBox(page: Page, elementId: string): Promise<{ x: number; y: number; width: number; height: number }> {
  const element = diagramElement(page, elementId);
  let last = '';
  let box: Awaited<ReturnType<Locator['boundingBox']>> = null;
  await expect
    .poll(
      async () => {
        box = await element.boundingBox();
        const now = JSON.stringify(box);
        const stable = box !== null && now === last;
        last = now;
        return stable;
      },
      { intervals: [50] },
    )
    .toBe(true);
  return box!;
}

/** The centre of a diagram element on the page; a connection's is halfway along its line. */
export async function centre(page: Page, elementId: string): Promise<Point> {
  const { x, y, width, height } = await stableBox(page, elementId);
  const half = await diagramElement(page, elementId).evaluate((node) => {
    const path = node.classList.contains('djs-connection') ? node.querySelector<SVGPathElement>(':scope > .djs-visual > path') : null;
    const matrix = path?.getScreenCTM();
    if (!path || !matrix) return null;
    const point = path.getPointAtLength(path.getTotalLength() / 2);
    return { x: point.x * matrix.a + point.y * matrix.c + matrix.e, y: point.x * matrix.b + point.y * matrix.d + matrix.f };
  });
  return half ?? { x: x + width / 2, y: y + height / 2 };
}

/** Whether a click at the point reaches the element (and not, say, another one's context pad above it). */
async function hits(page: Page, elementId: string, { x, y }: Point): Promise<boolean> {
  return page.evaluate(
    ({ id, x, y }) => Boolean(document.elementFromPoint(x, y)?.closest(`.djs-element[data-element-id="${id}"]`)),
    { id: elementId, x, y },
  );
}

/**
 * Click on the canvas until the click has taken effect. For 400 ms after a drag, a create or a
 * connect ends, diagram-js swallows the next click on the diagram (its "click trap" against ghost
 * clicks), so a click soon after one of those may do nothing; a swallowed click changes nothing
 * either, so clicking again is safe.
 */
async function clickUntil(page: Page, point: Point, done: () => Promise<boolean>): Promise<void> {
  await expect(async () => {
    if (await done()) return;
    await page.mouse.click(point.x, point.y);
    expect(await done()).toBe(true);
  }).toPass({ intervals: [100, 250, 500] });
}

/** Click an empty spot of the canvas: nothing is selected afterwards, no context pad is open. */
export async function clearSelection(page: Page): Promise<void> {
  const spot = await page.getByTestId('bpmn-canvas').evaluate((canvas) => {
    const box = canvas.getBoundingClientRect();
    for (let y = box.top + 20; y < box.bottom - 20; y += 40) {
      for (let x = box.right - 20; x > box.left + 80; x -= 40) {
        const hit = document.elementFromPoint(x, y);
        if (hit && canvas.contains(hit) && !hit.closest('.djs-element:not(.djs-root), .djs-palette, .djs-context-pad, .djs-overlay, a')) return { x, y };
      }
    }
    return null;
  });
  expect(spot, 'an empty spot on the canvas').not.toBeNull();
  const open = page.locator('[data-testid="bpmn-canvas"] .djs-context-pad.open, [data-testid="bpmn-canvas"] .djs-element.selected');
  await clickUntil(page, spot!, async () => (await open.count()) === 0);
}

/** Select a diagram element by clicking it (a click on a selected one would deselect it). */
export async function select(page: Page, elementId: string, at?: Point): Promise<void> {
  const selected = page.locator(`[data-testid="bpmn-canvas"] .djs-element.selected[data-element-id="${elementId}"]`);
  if (await selected.count()) return;
  const point = at ?? (await centre(page, elementId));
  if (!(await hits(page, elementId, point))) await clearSelection(page);
  // A straight connection has no height, so it is never "visible": count it.
  await clickUntil(page, point, async () => (await selected.count()) === 1);
}

/** Drag with the mouse from one point to another, in small steps as a hand would. */
export async function drag(page: Page, from: Point, to: Point): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 6 });
  await page.mouse.move(to.x, to.y, { steps: 6 });
  await page.mouse.up();
}

/** Take a palette tool (`create.user-task` …) and drop its new element at a point. */
export async function paletteCreate(page: Page, action: string, at: Point): Promise<void> {
  await page.locator(`[data-testid="bpmn-canvas"] .djs-palette .entry[data-action="${action}"]`).click();
  await page.mouse.move(at.x - 20, at.y + 30, { steps: 4 });
  await page.mouse.move(at.x, at.y, { steps: 4 });
  await page.mouse.click(at.x, at.y);
}

/** Click an entry of a selected element's context pad (`append.end-event`, `lane-divide-two` …). */
export async function contextPad(page: Page, elementId: string, action: string): Promise<void> {
  await select(page, elementId);
  await page.locator(`[data-testid="bpmn-canvas"] .djs-context-pad .entry[data-action="${action}"]`).click();
}

/** The id of the element selected now (one). */
export async function selectedId(page: Page): Promise<string> {
  const selected = page.locator('[data-testid="bpmn-canvas"] .djs-element.selected');
  await expect(selected).toHaveCount(1);
  return (await selected.getAttribute('data-element-id')) ?? '';
}

/** Name the selected element in the panel's 基本信息 group (and give it a readable id, if one is passed). */
export async function nameSelected(page: Page, name: string, id?: string): Promise<void> {
  const panel = page.getByTestId('bpmn-properties');
  const header = panel.locator('.bio-properties-panel-group-header', { hasText: '基本信息' });
  if (!(await header.evaluate((node) => node.classList.contains('open')))) await header.click();
  if (id) {
    const idInput = panel.locator('#bio-properties-panel-id');
    await idInput.fill(id);
    await idInput.press('Tab');
  }
  const nameInput = panel.locator('#bio-properties-panel-name');
  await nameInput.fill(name);
  await nameInput.press('Tab');
  // Events and gateways carry their name on a label element of their own (`<id>_label`).
  const named = id ?? (await selectedId(page));
  const shown = page.locator(`[data-testid="bpmn-canvas"] .djs-element:is([data-element-id="${named}"], [data-element-id="${named}_label"])`);
  await expect(shown.filter({ hasText: name })).not.toHaveCount(0);
}

/** Choose an option of an Element Plus select, typing to search first (its own dropdown only). */
export async function pick(page: Page, select: Locator, search: string, option: string): Promise<void> {
  const input = select.locator('input');
  await select.click();
  await input.fill(search);
  const list = page.locator(`[id="${await input.getAttribute('aria-controls')}"]`);
  await list.locator('.el-select-dropdown__item').filter({ hasText: option }).first().click();
  // Escape first clears a kept search word, then closes.
  await expect(async () => {
    await page.keyboard.press('Escape');
    await expect(list).toBeHidden({ timeout: 300 });
  }).toPass({ intervals: [0] });
}

/** Choose an option of a plain (not searchable) Element Plus select. */
export async function choose(page: Page, select: Locator, option: string): Promise<void> {
  await select.click();
  const list = page.locator(`[id="${await select.locator('input').getAttribute('aria-controls')}"]`);
  await list.locator('.el-select-dropdown__item').filter({ hasText: option }).first().click();
  await expect(select).toContainText(option);
}
