import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { login } from '../auth.js';
import { Alert } from '../components/Alert.js';
import { AuthCard } from '../components/AuthCard.js';
import { Field } from '../components/Field.js';
import { JoinCodeForm } from '../components/JoinCodeForm.js';
import { Link } from '../components/Link.js';
import { locationStore, navigate } from '../router.js';
import { setupStatus } from '../setup/setupApi.js';

function loginError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 401) return 'Wrong email or password.';
    if (err.status === 429) {
      return err.retryAfter
        ? `Too many sign-in attempts. Try again in ${err.retryAfter} seconds.`
        : 'Too many sign-in attempts. Try again later.';
    }
    if (err.status === 400) return 'Enter a valid email address and your password.';
    if (err.status === 0) return err.message;
    return `Sign-in failed: ${err.message}`;
  }
  return 'Sign-in failed. Try again.';
}

/** Only same-site paths are allowed as the post-login destination. */
function safeNext(): string {
  const next = locationStore.get().search.get('next');
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

export function LoginPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);

  const [needsSetup, setNeedsSetup] = useState(false);

  useEffect(() => emailRef.current?.focus(), []);
  useEffect(() => {
    setupStatus()
      .then((s) => setNeedsSetup(s.needed))
      .catch(() => undefined);
  }, []);

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    if (!email.trim() || !password) {
      setError('Enter your email and password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await login(email.trim(), password);
      navigate(safeNext(), { replace: true });
    } catch (err) {
      setError(loginError(err));
      setBusy(false);
    }
  };

  return (
    <AuthCard title="Sign in" intro="Sign in to schedule, start and join your sessions.">
      {needsSetup && (
        <div class="setup-hint">
          <Alert tone="warn">
            <strong>Finish setting up Lectern.</strong> No account exists yet. The server printed a one-time setup link in its log, ending in{' '}
            <code>/setup/…</code>. Open it to create the first admin. (Or start the server with <code>LECTERN_ADMIN_EMAIL</code> and{' '}
            <code>LECTERN_ADMIN_PASSWORD</code> set.)
          </Alert>
        </div>
      )}
      <form onSubmit={onSubmit} noValidate aria-describedby={error ? 'login-error' : undefined}>
        <div class="field">
          <label for="login-email">Email</label>
          <input
            ref={emailRef}
            id="login-email"
            type="email"
            name="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </div>
        <Field id="login-password" label="Password" type="password" name="password" autocomplete="current-password" required value={password} onValue={setPassword} />
        {error && (
          <div id="login-error">
            <Alert tone="error">{error}</Alert>
          </div>
        )}
        <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p class="auth-foot">
        <Link href="/forgot">Forgot your password?</Link>
      </p>
      <JoinCodeForm />
    </AuthCard>
  );
}
