// Loaded before parley.js: counts live timers and window/document listeners, so a test can check
// that destroy() leaves none behind. Only what is created after this script runs is counted.
(() => {
  const timers = new Map();
  const listeners = new Map();
  const wrapTimer = (setName, clearName, repeats) => {
    const set = window[setName].bind(window);
    const clear = window[clearName].bind(window);
    window[setName] = (fn, ms, ...args) => {
      let id = 0;
      id = set(
        (...a) => {
          if (!repeats) timers.delete(id);
          if (typeof fn === 'function') fn(...a);
        },
        ms,
        ...args,
      );
      timers.set(id, `${setName}(${ms ?? 0})`);
      return id;
    };
    window[clearName] = (id) => {
      timers.delete(id);
      clear(id);
    };
  };
  wrapTimer('setTimeout', 'clearTimeout', false);
  wrapTimer('setInterval', 'clearInterval', true);
  for (const [name, target] of [
    ['window', window],
    ['document', document],
  ]) {
    const add = target.addEventListener.bind(target);
    const remove = target.removeEventListener.bind(target);
    const key = (type, options) =>
      `${name}:${type}:${typeof options === 'boolean' ? options : Boolean(options?.capture)}`;
    const ids = new WeakMap();
    let next = 0;
    const idOf = (fn) => {
      if (!ids.has(fn)) ids.set(fn, ++next);
      return ids.get(fn);
    };
    target.addEventListener = (type, fn, options) => {
      if (fn) listeners.set(`${key(type, options)}:${idOf(fn)}`, type);
      return add(type, fn, options);
    };
    target.removeEventListener = (type, fn, options) => {
      if (fn) listeners.delete(`${key(type, options)}:${idOf(fn)}`);
      return remove(type, fn, options);
    };
  }
  window.parleyProbe = () => ({ timers: [...timers.values()], listeners: [...listeners.keys()] });
})();
