import { useEffect, useState } from 'preact/hooks';
import { copyText } from '../clipboard.js';

interface CopyButtonProps {
  text: string | (() => Promise<string>);
  label?: string;
  class?: string;
}

/** "Copy" button that says "Copied" for a moment (announced via a live region). */
export function CopyButton({ text, label = 'Copy', class: cls = 'btn btn-secondary' }: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 2500);
    return () => clearTimeout(t);
  }, [state]);

  const onClick = async () => {
    try {
      const value = typeof text === 'string' ? text : await text();
      setState((await copyText(value)) ? 'copied' : 'failed');
    } catch {
      setState('failed');
    }
  };

  return (
    <span class="copy">
      <button type="button" class={cls} onClick={onClick}>
        {label}
      </button>
      <span class="copy-status" role="status" aria-live="polite">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed — select the text and copy it' : ''}
      </span>
    </span>
  );
}
