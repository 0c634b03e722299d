/**
 * Preload for the Firefox run (`node --require`, set by `npm run test:firefox`): Debian's Firefox
 * ESR answers "unknown command" to `emulation.setMediaFeaturesOverride`, which Playwright 1.65 sends
 * over WebDriver BiDi for every new context and page (to emulate `prefers-color-scheme`), so no page
 * could open. This answers that one command locally, with BiDi's empty success, by adding one line
 * to Playwright's BidiSession.send as its bundle is loaded. The tests emulate no media features, so
 * nothing is lost.
 *
 * It fails loudly when Playwright's internals move: the bundle must hold the BidiSession class and
 * its send() exactly as 1.65 wrote them, or loading Playwright throws with what to check.
 */
const Module = require('node:module');

const BUNDLE = /[\\/]playwright-core[\\/]lib[\\/]coreBundle\.js$/;
const CLASS = 'BidiSession = class extends';
const SEND = 'async send(method2, params2) {';
const ANSWER = 'if (method2 === "emulation.setMediaFeaturesOverride") return {};';

const compile = Module.prototype._compile;
let patched = false;
Module.prototype._compile = function compileWithAnswer(content, filename) {
  if (!BUNDLE.test(filename)) return compile.call(this, content, filename);
  const at = content.indexOf(CLASS);
  const send = at < 0 ? -1 : content.indexOf(SEND, at);
  if (at < 0 || send < 0 || send - at > 4000 || content.indexOf(CLASS, at + 1) >= 0) {
    throw new Error(
      `e2e/firefox/bidi-preload.cjs: ${filename} no longer has "${CLASS}" with "${SEND}" (Playwright's internals moved). Check whether Firefox ESR now implements emulation.setMediaFeaturesOverride (then drop this preload) or find the new place for the answer.`,
    );
  }
  const end = send + SEND.length;
  patched = true;
  return compile.call(this, `${content.slice(0, end)} ${ANSWER}${content.slice(end)}`, filename);
};

/** For the config to assert that the answer is in place before any test runs. */
globalThis.__parleyBidiPreload = () => patched;
