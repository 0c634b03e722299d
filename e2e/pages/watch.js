// Loaded before parley.js by the journey pages: records what a browser without a console API for
// its driver (WebKitGTK's classic WebDriver) would otherwise hide, CSP violations, uncaught errors
// and the widget's console errors, in window.parleyWatch for the test to read.
window.parleyWatch = { violations: [], errors: [] };
document.addEventListener(
  'securitypolicyviolation',
  (e) => window.parleyWatch.violations.push(`${e.effectiveDirective} ${e.blockedURI}`),
  true,
);
window.addEventListener('error', (e) => window.parleyWatch.errors.push(`error: ${e.message}`));
window.addEventListener('unhandledrejection', (e) =>
  window.parleyWatch.errors.push(`rejection: ${e.reason}`),
);
const consoleError = console.error.bind(console);
console.error = (...args) => {
  window.parleyWatch.errors.push(`console: ${args.map(String).join(' ')}`);
  consoleError(...args);
};
