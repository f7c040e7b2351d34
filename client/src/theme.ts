// Light or dark: follows the system setting until the person picks one (kept in localStorage).
import { Store } from './store.js';

export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'lectern.theme';

function stored(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

export const themeStore = new Store<ThemeChoice>(stored());

/** The system setting (null where there is no matchMedia). */
export const systemDarkQuery = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;

/** The theme in effect now. */
export function effectiveTheme(choice = themeStore.get()): 'light' | 'dark' {
  return choice === 'system' ? (systemDarkQuery?.matches ? 'dark' : 'light') : choice;
}

/** html[data-theme] always names the theme in effect: the stylesheets have one dark rule set. */
function apply(): void {
  document.documentElement.dataset.theme = effectiveTheme();
}

export function setTheme(choice: ThemeChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    /* storage blocked: this tab only */
  }
  themeStore.set(choice);
  apply();
}

systemDarkQuery?.addEventListener('change', apply);
apply();
