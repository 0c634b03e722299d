/**
 * The widget as classic WebDriver reaches it in WebKitGTK: elements inside its shadow root are
 * found by a script (by aria-label or by text, the names a visitor and a screen reader use) and
 * then clicked and typed into through WebDriver like any element. Text is read as each node's
 * `textContent`, since WebDriver's element text runs shadow DOM text together.
 */
import { Key, type WebDriver, type WebElement } from 'selenium-webdriver';

/** Generous for a busy 2-core machine; every wait is for a condition, never a fixed time. */
const WAIT_MS = 30_000;

const FIND = `
  const [host, css, name] = arguments;
  const root = document.querySelector(host)?.shadowRoot;
  if (!root) return null;
  for (const el of root.querySelectorAll(css)) {
    const label = (el.getAttribute('aria-label') || el.textContent || '').trim();
    if (name === null || label === name) return el;
  }
  return null;`;

export class WebKitWidget {
  constructor(
    readonly driver: WebDriver,
    readonly host = '[data-parley]',
  ) {}

  /** The first element in the shadow root that matches `css` (and whose name is `name`), or null. */
  find(css: string, name: string | null = null): Promise<WebElement | null> {
    return this.driver.executeScript<WebElement | null>(FIND, this.host, css, name);
  }

  /** Waits for `find()` to return an element. */
  async get(css: string, name: string | null = null): Promise<WebElement> {
    return this.until(() => this.find(css, name), `${css}${name === null ? '' : ` "${name}"`}`);
  }

  async until<T>(probe: () => Promise<T | null | undefined | false>, what: string): Promise<T> {
    let last: T | null | undefined | false = null;
    await this.driver.wait(
      async () => {
        last = await probe();
        return Boolean(last);
      },
      WAIT_MS,
      `waiting for ${what}`,
    );
    return last as T;
  }

  /** The texts of the conversation's bubbles, and the names of its links and buttons, in order. */
  logTexts(): Promise<string[]> {
    return this.driver.executeScript<string[]>(
      `const log = document.querySelector(arguments[0])?.shadowRoot?.querySelector('[role="log"]');
       return log ? [...log.querySelectorAll('.bubble, a, button')]
         .map((n) => (n.getAttribute('aria-label') || n.textContent).trim()) : [];`,
      this.host,
    );
  }

  /** Waits until a bubble's text is exactly `text` (or matches it) and returns how many do. */
  async waitForText(text: string | RegExp): Promise<number> {
    const matches = (t: string) => (typeof text === 'string' ? t === text : text.test(t));
    return this.until(async () => (await this.logTexts()).filter(matches).length, `the text ${text}`);
  }

  async count(text: string): Promise<number> {
    return (await this.logTexts()).filter((t) => t === text).length;
  }

  async open(): Promise<void> {
    await (await this.get('button', 'Open chat')).click();
    await this.until(async () => (await this.find('textarea', 'Message'))?.isDisplayed(), 'the message box');
  }

  async send(text: string): Promise<void> {
    await (await this.get('textarea', 'Message')).sendKeys(text, Key.ENTER);
  }

  /** What e2e/pages/watch.js recorded: CSP violations and errors. */
  watch(): Promise<{ violations: string[]; errors: string[] }> {
    return this.driver.executeScript('return window.parleyWatch');
  }
}
