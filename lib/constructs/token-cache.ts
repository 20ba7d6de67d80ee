/**
 * Every read of a generated provider attribute (`dataSource.id`, `.uuid`, ...) and every
 * `Fn`/`conditional` call makes a new cdktf token, and every token captures a full stack
 * trace (cdktf lib/tokens/private/stack-trace.js raises Error.stackTraceLimit to
 * MAX_SAFE_INTEGER). Making each such token once per object and reusing it saves that
 * for every group.
 */
const cache = new WeakMap<object, Map<string, unknown>>();

/** `make()` once per `owner` and `key`; later calls return the same value. */
export function once<T>(owner: object, key: string, make: () => T): T {
  let m = cache.get(owner);
  if (!m) cache.set(owner, (m = new Map()));
  if (!m.has(key)) m.set(key, make());
  return m.get(key) as T;
}
