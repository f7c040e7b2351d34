import { useState } from 'preact/hooks';
import { errorMessage } from '../api.js';
import { Alert } from '../components/Alert.js';
import { AuthCard } from '../components/AuthCard.js';
import { Field } from '../components/Field.js';
import { useFieldErrors } from '../components/forms.js';
import { Link } from '../components/Link.js';
import type { Params } from '../router.js';
import { confirmReset } from './accountApi.js';

export function ResetPasswordPage({ params }: { params: Params }) {
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [errors, check] = useFieldErrors();
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const short = password.length < 10;
    if (!check({ password: short && 'Use at least 10 characters.', again: !short && again !== password && 'The two passwords differ.' })) return;
    setBusy(true);
    try {
      await confirmReset({ token: params.token ?? '', newPassword: password });
      setDone(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <AuthCard title="Password changed">
        <Alert tone="success">Your new password is set. Sign in with it now; other devices have to sign in again.</Alert>
        <Link href="/login" class="btn btn-primary btn-block">
          Sign in
        </Link>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Choose a new password">
      <form onSubmit={onSubmit} noValidate>
        <Field id="reset-password" label="New password" type="password" autocomplete="new-password" hint="At least 10 characters." value={password} onValue={setPassword} error={errors.password} />
        <Field id="reset-again" label="New password again" type="password" autocomplete="new-password" value={again} onValue={setAgain} error={errors.again} />
        {error && (
          <Alert tone="error">
            {error} <Link href="/forgot">Ask for a new link</Link>
          </Alert>
        )}
        <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Saving…' : 'Set new password'}
        </button>
      </form>
    </AuthCard>
  );
}
