import { expect, test } from '@playwright/test';

import { USERS, photoPng, screenshotPath } from './helpers';

test.use({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, actionTimeout: 15_000 });

test('on the phone, a nurse reports a problem with a photo in a few taps and follows it in her list', async ({ page }) => {
  await page.goto('/h5/login');
  await page.getByTestId('login-username').locator('input').fill(USERS.nurse.username);
  await page.getByTestId('login-password').locator('input').fill(USERS.nurse.password);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/h5\/$/);

  // The home page's question box leads straight to the form, with the question filled in.
  await page.getByTestId('h5-search').locator('input').fill('护士站电脑蓝屏，无法开机');
  await page.getByTestId('h5-report').click();
  await expect(page).toHaveURL(/\/h5\/tickets\/new\?q=/);
  await expect(page.getByTestId('h5-description').locator('textarea')).toHaveValue('护士站电脑蓝屏，无法开机');

  // One tap for a photo (the camera on a phone; a file here).
  const camera = page.getByTestId('h5-photos').locator('input[type=file]');
  await expect(camera).toHaveAttribute('capture', 'environment');
  await camera.setInputFiles({ name: 'screen.png', mimeType: 'image/png', buffer: photoPng(320, 240) });
  await expect(page.locator('.van-uploader__preview')).toHaveCount(1);
  await expect(page.getByTestId('voice-notes')).toBeVisible();
  await page.screenshot({ path: screenshotPath('h5-new-ticket'), fullPage: true });

  await page.getByTestId('h5-submit').click();
  await expect(page).toHaveURL(/\/h5\/tickets\/\d+$/);
  const number = (await page.getByTestId('h5-ticket-number').innerText()).trim();
  expect(number).toMatch(/^INC-/);
  await expect(page.getByTestId('h5-status')).toHaveText('待受理');
  await expect(page.getByTestId('h5-progress')).toContainText('已提交');
  await expect(page.getByTestId('h5-attachment-image')).toHaveCount(1);
  await expect(page.getByTestId('h5-timeline-event')).toHaveCount(1);
  await expect(page.getByTestId('h5-cancel')).toBeVisible();
  await expect(page.locator('.van-toast')).toBeHidden({ timeout: 10_000 });
  await page.screenshot({ path: screenshotPath('h5-ticket'), fullPage: true });

  // Her list shows it on top with the progress tracker.
  await page.goto('/h5/tickets');
  const card = page.getByTestId('h5-my-ticket').first();
  await expect(card).toContainText(number);
  await expect(card).toContainText('护士站电脑蓝屏，无法开机');
  await expect(card.locator('.van-step--process')).toHaveText('已提交');
  await expect(card).toContainText('等待派发工程师');
  await page.screenshot({ path: screenshotPath('h5-my-tickets'), fullPage: true });

  // She adds a detail from the phone; it lands on the timeline.
  await card.click();
  await page.getByTestId('h5-reply-body').locator('textarea').fill('是靠窗的那台，型号联想 M720。');
  await page.getByTestId('h5-reply-send').click();
  await expect(page.getByTestId('h5-timeline')).toContainText('联想 M720');
});
