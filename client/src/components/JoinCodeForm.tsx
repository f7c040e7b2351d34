import { useState } from 'preact/hooks';
import { navigate } from '../router.js';

/** "Have a code?" — goes to /j/CODE. Accepts a pasted link too. */
export function JoinCodeForm() {
  const [value, setValue] = useState('');
  const onSubmit = (e: Event) => {
    e.preventDefault();
    const raw = value.trim();
    const code = /\/j\/([^/?#\s]+)/.exec(raw)?.[1] ?? raw.replace(/\s+/g, '');
    if (code) navigate(`/j/${encodeURIComponent(code.toUpperCase())}`);
  };
  return (
    <form class="code-form" onSubmit={onSubmit}>
      <label for="join-code">Have a join code?</label>
      <div class="inline-row">
        <input
          id="join-code"
          name="code"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck={false}
          placeholder="e.g. K7M2QX9P"
          value={value}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
        <button type="submit" class="btn btn-secondary">
          Continue
        </button>
      </div>
    </form>
  );
}
