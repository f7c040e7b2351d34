// /setup/TOKEN: the one-time link from the server log creates the first admin, then signs in.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, errorMessage } from '../api.js';
import { login } from '../auth.js';
import { Alert } from '../components/Alert.js';
import { AuthCard } from '../components/AuthCard.js';
import { Field } from '../components/Field.js';
import { useFieldErrors } from '../components/forms.js';
import { Link } from '../components/Link.js';
import { navigate, type Params } from '../router.js';
import { completeSetup, setupStatus } from './setupApi.js';

export function SetupPage({ params }: { params: Params }) {
  const token = params.token ?? '';
  const [needed, setNeeded] = useState<boolean | null>(null);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, check] = useFieldErrors();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setupStatus()
      .then((s) => setNeeded(s.needed))
      .catch((err: unknown) => setError(`Could not reach the server: ${errorMessage(err)}`));
  }, []);

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const ok = check({
      name: !name.trim() && 'Enter your name.',
      email: !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim()) && 'Enter a valid email address.',
      password: password.length < 10 && 'Use at least 10 characters.',
    });
    if (!ok) return;
    setBusy(true);
    try {
      await completeSetup({ token, name: name.trim(), email: email.trim(), password });
      await login(email.trim(), password);
      navigate('/admin/users', { replace: true });
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.status === 409) setNeeded(false);
      else setError(errorMessage(err));
    }
  };

  if (needed === false) {
    return (
      <AuthCard title="Setup is complete">
        <p>This Lectern already has an admin, so the setup link no longer works.</p>
        <Link href="/login" class="btn btn-primary btn-block">
          Go to sign in
        </Link>
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Create the first admin" intro="Welcome to Lectern. This account manages users, courses and settings; you can add teachers and students next.">
      <form onSubmit={onSubmit} noValidate>
        <Field id="setup-name" label="Your name" value={name} onValue={setName} autocomplete="name" error={errors.name} />
        <Field id="setup-email" label="Email" type="email" value={email} onValue={setEmail} autocomplete="username" error={errors.email} />
        <Field
          id="setup-password"
          label="Password"
          type="password"
          value={password}
          onValue={setPassword}
          autocomplete="new-password"
          hint="At least 10 characters."
          error={errors.password}
        />
        {error && <Alert tone="error">{error}</Alert>}
        <button type="submit" class="btn btn-primary btn-block" disabled={busy || needed === null}>
          {busy ? 'Creating…' : 'Create admin and sign in'}
        </button>
      </form>
    </AuthCard>
  );
}
