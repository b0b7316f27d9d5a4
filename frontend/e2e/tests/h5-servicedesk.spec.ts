import { expect, test } from '@playwright/test';

import { USERS, photoPng, screenshotPath } from './helpers';

test.use({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, actionTimeout: 15_000 });

test('on the phone, a nurse reports a problem with a photo and a voice note in a few taps and follows it in her list', async ({ page, context }) => {
  // The launch flags (playwright.config.ts) give a fake microphone; the page still needs the permission.
  await context.grantPermissions(['microphone']);
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

  // One tap starts a voice note, one more stops it; it can be played back before sending.
  const record = page.getByTestId('voice-record');
  await record.click();
  await expect(record).toContainText('停止录音');
  await page.waitForTimeout(1_500);
  await record.click();
  await expect(record).toContainText('按一下开始录音');
  await expect(page.getByTestId('voice-notes').locator('li')).toHaveCount(1);
  await expect(page.getByTestId('voice-notes').locator('li')).toContainText('语音 1');
  await page.screenshot({ path: screenshotPath('h5-new-ticket'), fullPage: true });

  await page.getByTestId('h5-submit').click();
  await expect(page).toHaveURL(/\/h5\/tickets\/\d+$/);
  const number = (await page.getByTestId('h5-ticket-number').innerText()).trim();
  expect(number).toMatch(/^INC-/);
  await expect(page.getByTestId('h5-status')).toHaveText('待受理');
  await expect(page.getByTestId('h5-progress')).toContainText('已提交');
  await expect(page.getByTestId('h5-attachment-image')).toHaveCount(1);
  // The voice note arrived with the ticket: a player once the server has its MP3 copy, the original before.
  await expect(page.getByTestId('h5-attachment-audio').or(page.getByTestId('h5-attachment-audio-waiting'))).toHaveCount(1);
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
