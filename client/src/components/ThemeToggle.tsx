import { useEffect, useReducer } from 'preact/hooks';
import { useStore } from '../store.js';
import { effectiveTheme, setTheme, systemDarkQuery, themeStore } from '../theme.js';

/** One button: switches between light and dark (the first choice overrides the system setting). */
export function ThemeToggle() {
  useStore(themeStore);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    systemDarkQuery?.addEventListener('change', rerender);
    return () => systemDarkQuery?.removeEventListener('change', rerender);
  }, []);
  const dark = effectiveTheme() === 'dark';
  return (
    <button type="button" class="btn btn-ghost icon-btn theme-toggle" aria-pressed={dark} aria-label="Dark mode" title={dark ? 'Switch to light mode' : 'Switch to dark mode'} onClick={() => setTheme(dark ? 'light' : 'dark')}>
      <span aria-hidden="true">{dark ? '☀' : '☾'}</span>
    </button>
  );
}
