import { expect, test } from '@playwright/test';

import { USERS, apiSession, pageScreenshot, screenshotPath, webLogin } from './helpers';

/**
 * WeCom end to end against the fake WeCom server that scripts/e2e-server.sh starts on
 * 127.0.0.1:8791 (hitsm/wecom/fake.py, its demo credentials): the administrator connects the
 * app on the 企业微信 page and tests the connection; a nurse's message "from her phone" is
 * pushed to our callback like WeCom does it and becomes a ticket; the message logs show both
 * directions; and she opens the H5 portal from WeCom already signed in.
 */

const FAKE = `http://127.0.0.1:${process.env.HITSM_E2E_WECOM_PORT ?? '8791'}`;
const CREDENTIALS = {
  corp_id: 'wwfake0000000001',
  agent_id: '1000002',
  secret: 'fake-agent-secret',
  token: 'faketoken',
  aes_key: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};

async function wecomOff(playwright: Parameters<typeof apiSession>[0]): Promise<void> {
  const admin = await apiSession(playwright, USERS.admin);
  await admin.put('/api/v1/wecom/config/', { enabled: false });
  await admin.dispose();
}

test('an administrator connects WeCom, and a nurse reports from WeCom', async ({ page, playwright, browser }) => {
  test.setTimeout(150_000);
  await wecomOff(playwright); // a known start, also on a retry: the switch below turns it on
  await webLogin(page, USERS.admin);
  await page.goto('/system/wecom');
  await expect(page.getByTestId('wecom-page')).toBeVisible();
  await page.getByTestId('wecom-enabled').click();
  await page.getByTestId('wecom-corp-id').fill(CREDENTIALS.corp_id);
  await page.getByTestId('wecom-agent-id').fill(CREDENTIALS.agent_id);
  await page.getByTestId('wecom-secret').fill(CREDENTIALS.secret);
  await page.getByTestId('wecom-base-url').fill(FAKE);
  await page.getByTestId('wecom-oauth-base-url').fill(FAKE);
  await page.getByTestId('wecom-token').fill(CREDENTIALS.token);
  await page.getByTestId('wecom-aes-key').fill(CREDENTIALS.aes_key);
  await page.getByTestId('wecom-save').click();
  await expect(page.getByTestId('wecom-secret-state')).toContainText('已设置');
  await expect(page.getByTestId('wecom-callback-url')).toHaveValue(/\/wecom\/callback$/);

  await page.getByTestId('wecom-test-run').click();
  await expect(page.getByTestId('wecom-test-result')).toContainText('连接正常');
  await pageScreenshot(page, 'web-wecom-settings');

  try {
    // The nurse writes to the IT app on her phone: WeCom encrypts, signs and pushes it to us.
    const push = await page.request.post(`${FAKE}/fake/push-text`, {
      data: { from: 'nurse_li', content: '门诊二楼护士站的电脑开机黑屏，只有鼠标箭头' },
    });
    expect(push.ok(), await push.text()).toBe(true);

    const nurse = await apiSession(playwright, USERS.nurse);
    let ticket: { id: number; number: string; channel: string } | undefined;
    await expect
      .poll(async () => {
        const page1 = (await nurse.get('/api/v1/tickets/?channel=wecom')) as {
          results: { id: number; number: string; channel: string; title: string }[];
        };
        ticket = page1.results.find((t) => t.title.includes('开机黑屏'));
        return ticket?.number ?? '';
      })
      .not.toBe('');
    expect(ticket?.channel).toBe('wecom');

    // Her phone got the ticket number back.
    const sent = await (await page.request.get(`${FAKE}/fake/messages`)).json();
    expect(JSON.stringify(sent)).toContain(ticket?.number ?? 'missing');

    // The administrator sees both directions in the message logs.
    await page.getByTestId('wecom-tabs').getByText('收到的消息').click();
    await expect(page.getByTestId('wecom-inbound')).toContainText('开机黑屏');
    await expect(page.getByTestId('wecom-inbound-ticket').first()).toContainText(ticket?.number ?? 'missing');
    await page.getByTestId('wecom-tabs').getByText('发出的消息').click();
    await expect(page.getByTestId('wecom-outbound')).toContainText(ticket?.number ?? 'missing');
    await expect(page.getByTestId('wecom-outbound')).toContainText('已发送');
    await pageScreenshot(page, 'web-wecom-logs');

    // From a link in WeCom, the H5 portal opens signed in (OAuth2 through the fake's authorize page).
    const oauth = await page.request.post(`${FAKE}/fake/oauth-user`, { data: { userid: 'nurse_li' } });
    expect(oauth.ok()).toBe(true);
    const phone = await browser.newContext({ viewport: { width: 360, height: 640 }, locale: 'zh-CN' });
    const h5 = await phone.newPage();
    await h5.goto(`/api/v1/wecom/oauth/start/?next=${encodeURIComponent(`/h5/tickets/${ticket?.id}`)}`);
    // (The browser keeps WeCom's "#wechat_redirect" fragment across the redirects, as in WeCom.)
    await expect(h5).toHaveURL(new RegExp(`/h5/tickets/${ticket?.id}(#wechat_redirect)?$`));
    await expect(h5.getByText(ticket?.number ?? 'missing').first()).toBeVisible();
    await h5.screenshot({ path: screenshotPath('h5-wecom-ticket'), fullPage: true });
    await phone.close();
    await nurse.dispose();
  } finally {
    await wecomOff(playwright); // later specs run with WeCom off, as the rest of the suite expects
  }
});
