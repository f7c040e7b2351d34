import { useState } from 'preact/hooks';
import { errorMessage } from '../api.js';
import { Alert } from '../components/Alert.js';
import { AuthCard } from '../components/AuthCard.js';
import { Field } from '../components/Field.js';
import { Link } from '../components/Link.js';
import { requestReset } from './accountApi.js';

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) {
      setFieldError('Enter the email address you sign in with.');
      return;
    }
    setFieldError(null);
    setBusy(true);
    try {
      setSent((await requestReset(email.trim())).message);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard title="Reset your password" intro="We will email you a link to choose a new password.">
      {sent ? (
        <Alert tone="success">{sent}</Alert>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <Field id="forgot-email" label="Email" type="email" autocomplete="username" value={email} onValue={setEmail} error={fieldError} />
          {error && <Alert tone="error">{error}</Alert>}
          <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
            {busy ? 'Sending…' : 'Email me a reset link'}
          </button>
        </form>
      )}
      <p class="auth-foot">
        <Link href="/login">Back to sign in</Link>
      </p>
    </AuthCard>
  );
}
