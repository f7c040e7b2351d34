// A promise bounded in time: the answer of `p`, or `onTimeout()`'s error after `ms`. The
// timer is cleared either way; `p` itself is not cancelled (callers bound probes and
// checks that must never hang a request, a scrape or the doctor).
export function withDeadline<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(onTimeout()), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
