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

export function systemDark(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
}

/** The theme in effect now. */
export function effectiveTheme(choice = themeStore.get()): 'light' | 'dark' {
  return choice === 'system' ? (systemDark() ? 'dark' : 'light') : choice;
}

function apply(): void {
  const choice = themeStore.get();
  const root = document.documentElement;
  if (choice === 'system') delete root.dataset.theme;
  else root.dataset.theme = choice;
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

apply();
