import type { ComponentChildren } from 'preact';

interface AlertProps {
  tone?: 'error' | 'info' | 'success' | 'warn';
  children: ComponentChildren;
}

/** A message block; errors are announced assertively, the rest politely. */
export function Alert({ tone = 'info', children }: AlertProps) {
  return (
    <div class={`alert alert-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}
