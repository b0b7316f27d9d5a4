import { expect, test } from '@playwright/test';

import { USERS, screenshotPath, submitWebLogin } from './helpers';

test('five wrong passwords lock the account, and then even the right one is refused', async ({ page }) => {
  await page.goto('/login');
  const error = page.getByTestId('login-error');
  let lockedAt = 0;
  for (let attempt = 1; attempt <= 6; attempt += 1) {
    const answer = await submitWebLogin(page, USERS.lock.username, `wrong-password-${attempt}`);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    await expect(error).toBeVisible();
    if (answer.code === 'auth.locked') {
      lockedAt = attempt;
      break;
    }
    // Before the lockout the server warns how many tries are left.
    expect(answer.code).toBe('auth.invalid_credentials');
  }
  expect(lockedAt, 'the 5th or 6th attempt reports the lockout').toBeGreaterThanOrEqual(5);
  await expect(error).toContainText('锁定');
  const lockedMessage = await error.innerText();

  const answer = await submitWebLogin(page, USERS.lock.username, USERS.lock.password);
  expect(answer.code).toBe('auth.locked');
  await expect(error).toHaveText(lockedMessage);
  await expect(error).toContainText('锁定');
  await expect(page).toHaveURL(/\/login/);
  await page.screenshot({ path: screenshotPath('web-login-locked') });
});
