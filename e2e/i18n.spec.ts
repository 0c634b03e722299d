/**
 * The widget speaks the page's language (`<html lang>`), unless `data-lang` says otherwise:
 * launcher, panel title, message box and send button change with it (strings from src/i18n).
 */
import { expect, test } from './fixtures';

const cases = [
  {
    page: 'zh.html',
    why: '<html lang="zh">',
    lang: 'zh',
    open: '打开聊天',
    title: '在线咨询',
    box: '消息',
    placeholder: '输入消息…',
    send: '发送',
    close: '关闭聊天',
  },
  {
    page: 'ru.html',
    why: '<html lang="ru">',
    lang: 'ru',
    open: 'Открыть чат',
    title: 'Чат',
    box: 'Сообщение',
    placeholder: 'Напишите сообщение…',
    send: 'Отправить',
    close: 'Закрыть чат',
  },
  {
    page: 'lang-forced.html',
    why: 'data-lang="ru" on a <html lang="zh"> page',
    lang: 'ru',
    open: 'Открыть чат',
    title: 'Чат',
    box: 'Сообщение',
    placeholder: 'Напишите сообщение…',
    send: 'Отправить',
    close: 'Закрыть чат',
  },
];

for (const c of cases) {
  test(`${c.why}: the widget speaks ${c.lang}`, async ({ page, backend }) => {
    // setup
    await page.goto(`${backend.url}/e2e/pages/${c.page}`);
    // then: the launcher is named in that language, and the English name is gone
    const launcher = page.getByRole('button', { name: c.open, exact: true });
    await expect(launcher).toBeVisible();
    await expect(page.getByRole('button', { name: 'Open chat' })).toHaveCount(0);

    // when: the visitor opens the chat
    await launcher.click();
    // then: title, message box, its placeholder, send and close are in that language
    await expect(page.getByRole('dialog', { name: c.title, exact: true })).toBeVisible();
    const box = page.getByRole('textbox', { name: c.box, exact: true });
    await expect(box).toBeFocused();
    await expect(box).toHaveAttribute('placeholder', c.placeholder);
    await expect(page.getByRole('button', { name: c.send, exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: c.close, exact: true })).toBeVisible();
    await expect(page.getByRole('textbox', { name: 'Message', exact: true })).toHaveCount(0);

    // and a message still goes through (the bot answers in its own words)
    await box.fill('你好 / привет');
    await box.press('Enter');
    await expect(page.getByRole('log').getByText('You said: 你好 / привет')).toBeVisible();
  });
}
