// Code-split a page: `component: lazyPage(() => import('./pages/X.js').then((m) => m.X))`.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Params } from './router.js';

type Page = ComponentType<{ params: Params }>;

export function lazyPage(load: () => Promise<Page>): Page {
  let loaded: Page | null = null;
  let pending: Promise<Page> | null = null;
  return function LazyPage(props: { params: Params }) {
    const [Comp, setComp] = useState<Page | null>(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (Comp) return;
      pending ??= load();
      pending
        .then((c) => {
          loaded = c;
          setComp(() => c);
        })
        .catch(() => {
          pending = null;
          setFailed(true);
        });
    }, [Comp]);
    if (Comp) return <Comp {...props} />;
    return (
      <p class="boot" role={failed ? 'alert' : 'status'}>
        {failed ? 'Could not load this page. Check your connection and reload.' : 'Loading…'}
      </p>
    );
  };
}
