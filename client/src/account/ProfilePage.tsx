// Account: name, time zone, password change (current password required; other devices
// signed out), and the way to notification settings.
import { useState } from 'preact/hooks';
import { authStore, logout, setCurrentUser } from '../auth.js';
import { navigate } from '../router.js';
import { CardSection } from '../components/CardSection.js';
import { Field } from '../components/Field.js';
import { SubmitRow, useFieldErrors, useSubmit } from '../components/forms.js';
import { Link } from '../components/Link.js';
import { useStore } from '../store.js';
import { timeZones } from '../time.js';
import { changePassword, updateMe } from './accountApi.js';

function ProfileForm() {
  const { user } = useStore(authStore);
  const [name, setName] = useState(user?.name ?? '');
  const [timezone, setTimezone] = useState(user?.timezone ?? 'UTC');
  const { busy, notice, run, fail } = useSubmit();
  const zones = timeZones();
  const onSubmit = (e: Event) => {
    e.preventDefault();
    if (!name.trim()) return fail('Enter your name.');
    void run(async () => {
      setCurrentUser(await updateMe({ name: name.trim(), timezone }));
      return 'Saved.';
    });
  };
  return (
    <form class="card stack" onSubmit={onSubmit} noValidate aria-labelledby="profile-heading">
      <h2 id="profile-heading">Profile</h2>
      <p class="muted small">Signed in as {user?.email}</p>
      <Field id="profile-name" label="Name" autocomplete="name" value={name} onValue={setName} />
      <div class="field">
        <label for="profile-tz">Time zone</label>
        <select id="profile-tz" value={timezone} onChange={(e) => setTimezone(e.currentTarget.value)}>
          {(zones.includes(timezone) ? zones : [timezone, ...zones]).map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
        <span class="muted small">Session times and reminders are shown in this zone.</span>
      </div>
      <SubmitRow notice={notice} busy={busy} label="Save profile" />
    </form>
  );
}

function PasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [errors, check] = useFieldErrors();
  const { busy, notice, run, clear } = useSubmit();
  const onSubmit = (e: Event) => {
    e.preventDefault();
    clear();
    if (!check({ current: !current && 'Enter your current password.', next: next.length < 10 && 'Use at least 10 characters.' })) return;
    void run(async () => {
      await changePassword({ currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      return 'Password changed. Your other devices have to sign in again.';
    });
  };
  return (
    <form class="card stack" onSubmit={onSubmit} noValidate aria-labelledby="password-heading">
      <h2 id="password-heading">Password</h2>
      <Field id="pw-current" label="Current password" type="password" autocomplete="current-password" value={current} onValue={setCurrent} error={errors.current} />
      <Field id="pw-new" label="New password" type="password" autocomplete="new-password" hint="At least 10 characters." value={next} onValue={setNext} error={errors.next} />
      <SubmitRow notice={notice} busy={busy} label="Change password" />
    </form>
  );
}

export function ProfilePage() {
  return (
    <>
      <div class="page-head">
        <h1>Your account</h1>
        <p class="muted">
          Your name and time zone, your password, and <Link href="/settings/notifications">notification settings</Link>.
        </p>
      </div>
      <div class="account-grid">
        <ProfileForm />
        <PasswordForm />
        <CardSection headingId="notif-heading" title="Notifications" extraClass="stack">
          <p class="muted">Choose which events reach you in the app, by email or as push notifications on this device.</p>
          <div>
            <Link href="/settings/notifications" class="btn">
              Notification settings
            </Link>
          </div>
        </CardSection>
        <CardSection headingId="signout-heading" title="Sign out" extraClass="stack">
          <p class="muted">Sign out of Lectern in this browser.</p>
          <div>
            <button type="button" class="btn" onClick={() => void logout().then(() => navigate('/login', { replace: true }))}>
              Sign out
            </button>
          </div>
        </CardSection>
      </div>
    </>
  );
}
