/**
 * Memoisation of pure per-design (or per-context) computations. The build hands every generator
 * the same frozen `NDesign` and the same context object, and several generators need another's
 * result (DESIGN.md embeds what the OpenAPI and TypeScript generators produce, index.html renders
 * DESIGN.md and the OpenAPI document): keyed weakly by that object, each result is computed once
 * per build and dropped with the design. Only for pure functions whose result callers never mutate.
 */
export function memoByObject<K extends object, V>(fn: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, V>();
  return (key) => {
    if (cache.has(key)) return cache.get(key) as V;
    const value = fn(key);
    cache.set(key, value);
    return value;
  };
}
