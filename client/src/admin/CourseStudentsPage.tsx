// Admin > Courses > one course: its students (remove with a confirmation) and bulk
// enrolment by pasted emails or a CSV file, previewed row by row before anything changes.
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../api.js';
import { Alert } from '../components/Alert.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { Link } from '../components/Link.js';
import type { Params } from '../router.js';
import type { User } from '../types.js';
import { bulkEnrol, courseStudents, listCourses, removeStudent, type BulkEnrolResult, type CourseSummary } from './adminApi.js';
import { emailsFromCsv, emailsFromPaste } from './csv.js';
import './admin.css';

const STATUS_WORDS = { enrol: 'Will be enrolled', already: 'Already enrolled', error: 'Problem' } as const;

function BulkEnrol({ courseId, onDone }: { courseId: string; onDone: () => void }) {
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [emails, setEmails] = useState<string[]>([]);
  const [preview, setPreview] = useState<BulkEnrolResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const check = async (list: string[]) => {
    setError(null);
    setDone(null);
    if (list.length === 0) return setError('Paste at least one email address or choose a CSV file.');
    setBusy(true);
    try {
      setEmails(list);
      setPreview(await bulkEnrol(courseId, list, true));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const onFile = async (e: Event) => {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return;
    setFileName(file.name);
    await check(emailsFromCsv(await file.text()));
  };
  const commit = async () => {
    setBusy(true);
    try {
      const r = await bulkEnrol(courseId, emails, false);
      setDone(`Enrolled ${r.enrolled} ${r.enrolled === 1 ? 'student' : 'students'}.${r.errors ? ` ${r.errors} ${r.errors === 1 ? 'row was' : 'rows were'} skipped.` : ''}`);
      setPreview(null);
      setText('');
      onDone();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const good = preview?.rows.filter((r) => r.status === 'enrol').length ?? 0;

  return (
    <section class="card stack" aria-labelledby="bulk-heading">
      <h2 id="bulk-heading">Add students</h2>
      <div class="field">
        <label for="bulk-emails">Email addresses</label>
        <textarea id="bulk-emails" rows={4} value={text} onInput={(e) => setText(e.currentTarget.value)} aria-describedby="bulk-hint" />
        <span id="bulk-hint" class="muted small">
          One per line, or separated by commas. The students must already have accounts.
        </span>
      </div>
      <div class="inline-row wrap">
        <button type="button" class="btn" disabled={busy} onClick={() => void check(emailsFromPaste(text))}>
          Check addresses
        </button>
        <span class="muted">or</span>
        <label class="btn file-btn">
          Upload a CSV file
          <input type="file" accept=".csv,text/csv,text/plain" class="visually-hidden" onChange={(e) => void onFile(e)} />
        </label>
        {fileName && <span class="muted small">{fileName}</span>}
      </div>
      {error && <Alert tone="error">{error}</Alert>}
      {done && <Alert tone="success">{done}</Alert>}
      {preview && (
        <div class="stack">
          <p role="status">
            {good} of {preview.rows.length} rows can be enrolled{preview.errors ? `; ${preview.errors} ${preview.errors === 1 ? 'has a problem' : 'have problems'}` : ''}.
          </p>
          <div class="table-scroll">
            <table class="preview-table">
              <caption class="visually-hidden">Preview of the rows to enrol</caption>
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  <th scope="col">Email</th>
                  <th scope="col">Student</th>
                  <th scope="col">Result</th>
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((r) => (
                  <tr key={r.row} class={`row-${r.status}`}>
                    <td>{r.row}</td>
                    <td>{r.email || <span class="muted">(empty)</span>}</td>
                    <td>{r.name ?? ''}</td>
                    <td>
                      <strong>{STATUS_WORDS[r.status]}</strong>
                      {r.message ? `: ${r.message}` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div class="inline-row wrap">
            <button type="button" class="btn btn-primary" disabled={busy || good === 0} onClick={() => void commit()}>
              Enrol {good} {good === 1 ? 'student' : 'students'}
            </button>
            <button type="button" class="btn btn-ghost" onClick={() => setPreview(null)}>
              Discard
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

export function CourseStudentsPage({ params }: { params: Params }) {
  const id = params.id ?? '';
  const [course, setCourse] = useState<CourseSummary | null>(null);
  const [students, setStudents] = useState<User[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<User | null>(null);

  const load = () => {
    courseStudents(id)
      .then(setStudents)
      .catch((err: unknown) => setError(errorMessage(err)));
    listCourses()
      .then((all) => setCourse(all.find((c) => c.id === id) ?? null))
      .catch(() => undefined);
  };
  useEffect(load, [id]);

  return (
    <>
      <div class="page-head">
        <p class="small">
          <Link href="/admin/courses">← All courses</Link>
        </p>
        <h1>{course?.title ?? 'Course'}</h1>
        {course && <p class="muted">Taught by {course.ownerName}.</p>}
      </div>
      <div class="admin-course">
        <section class="card" aria-labelledby="students-heading">
          <h2 id="students-heading">
            Students {students && <span class="count">{students.length}</span>}
          </h2>
          {error && <Alert tone="error">{error}</Alert>}
          {students && students.length === 0 && <p class="muted">Nobody is enrolled yet.</p>}
          <ul class="user-list">
            {(students ?? []).map((s) => (
              <li key={s.id}>
                <div class="user-line">
                  <div>
                    <strong>{s.name}</strong> <span class="muted small">{s.email}</span>
                  </div>
                  <button type="button" class="btn btn-small btn-danger-outline" onClick={() => setRemoving(s)}>
                    Remove<span class="visually-hidden"> {s.name}</span>
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </section>
        <BulkEnrol courseId={id} onDone={load} />
      </div>
      {removing && (
        <ConfirmDialog
          title={`Remove ${removing.name} from ${course?.title ?? 'this course'}?`}
          confirmLabel="Remove student"
          danger
          onCancel={() => setRemoving(null)}
          onConfirm={async () => {
            try {
              await removeStudent(id, removing.id);
              setRemoving(null);
              load();
            } catch (err) {
              setError(errorMessage(err));
              setRemoving(null);
            }
          }}
        >
          <p>They stop seeing the course's sessions. Their attendance history stays.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
