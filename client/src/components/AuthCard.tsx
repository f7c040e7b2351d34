import type { ComponentChildren } from 'preact';

/** The centred card of the pages people see before signing in (sign-in, setup, reset). */
export function AuthCard({ title, intro, children }: { title: string; intro?: ComponentChildren; children: ComponentChildren }) {
  return (
    <main id="main" class="auth-page">
      <div class="auth-card card">
        <p class="brand brand-large" aria-hidden="true">
          <span class="brand-mark">L</span> Lectern
        </p>
        <h1>{title}</h1>
        {intro && <p class="muted">{intro}</p>}
        {children}
      </div>
    </main>
  );
}
