import { expect, test } from '@playwright/test';

import { USERS, screenshotPath } from './helpers';

test.use({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });

test('a nurse signs in on the phone portal and sees her home page', async ({ page }) => {
  await page.goto('/h5/');
  await expect(page).toHaveURL(/\/h5\/login/);
  await page.screenshot({ path: screenshotPath('h5-login') });

  await page.getByTestId('login-username').locator('input').fill(USERS.nurse.username);
  await page.getByTestId('login-password').locator('input').fill(USERS.nurse.password);
  await page.getByTestId('login-submit').click();

  await expect(page).toHaveURL(/\/h5\/$/);
  await expect(page.getByTestId('h5-greeting')).toContainText('李护士');
  await expect(page.getByTestId('h5-department')).toContainText('门诊部');
  await expect(page.getByTestId('h5-search').locator('input')).toBeEnabled();
  await expect(page.getByTestId('h5-search').locator('input')).toHaveAttribute('placeholder', '遇到什么问题？');
  await page.screenshot({ path: screenshotPath('h5-home') });

  await page.getByTestId('tab-profile').click();
  await expect(page.getByTestId('h5-profile-name')).toHaveText('李护士');
  await page.screenshot({ path: screenshotPath('h5-profile') });
});
