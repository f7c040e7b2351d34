// Admin > Courses: create, rename, archive or restore, and assign the owning teacher.
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../api.js';
import { Alert } from '../components/Alert.js';
import { SubmitRow } from '../components/forms.js';
import { Link } from '../components/Link.js';
import { ListState } from '../components/ListState.js';
import { SelectField } from '../components/SelectField.js';
import type { User } from '../types.js';
import { archiveCourse, createCourse, listCourses, listUsers, updateCourse, type CourseSummary } from './adminApi.js';
import './admin.css';

/** The teachers as choices of a select. */
const teacherOptions = (teachers: User[]) => teachers.map((t) => [t.id, t.name] as const);

function CourseRow({ course, teachers, onChanged }: { course: CourseSummary; teachers: User[]; onChanged: () => void }) {
  const [renaming, setRenaming] = useState(false);
  const [title, setTitle] = useState(course.title);
  const [error, setError] = useState<string | null>(null);
  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      onChanged();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <li class={`course-row${course.archived ? ' is-archived' : ''}`}>
      <div class="course-main">
        {renaming ? (
          <form
            class="inline-row"
            onSubmit={(e) => {
              e.preventDefault();
              if (!title.trim()) return setError('Enter a title.');
              void act(() => updateCourse(course.id, { title: title.trim() })).then(() => setRenaming(false));
            }}
          >
            <label class="visually-hidden" for={`title-${course.id}`}>
              New title of {course.title}
            </label>
            <input id={`title-${course.id}`} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
            <button type="submit" class="btn btn-small btn-primary">
              Save
            </button>
            <button type="button" class="btn btn-small btn-ghost" onClick={() => setRenaming(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <div>
            <Link href={`/admin/courses/${course.id}`} class="course-title">
              {course.title}
            </Link>{' '}
            {course.archived && <span class="badge badge-muted">Archived</span>}
            <div class="muted small">
              {course.studentCount} {course.studentCount === 1 ? 'student' : 'students'}
            </div>
          </div>
        )}
      </div>
      <SelectField
        id={`owner-${course.id}`}
        label="Teacher"
        extraClass="course-owner"
        value={course.ownerId}
        onValue={(ownerId) => void act(() => updateCourse(course.id, { ownerId }))}
        options={teachers.some((t) => t.id === course.ownerId) ? teacherOptions(teachers) : [[course.ownerId, course.ownerName] as const, ...teacherOptions(teachers)]}
      />
      <div class="inline-row wrap">
        <Link href={`/admin/courses/${course.id}`} class="btn btn-small">
          Students<span class="visually-hidden"> of {course.title}</span>
        </Link>
        {!renaming && (
          <button type="button" class="btn btn-small" onClick={() => setRenaming(true)}>
            Rename<span class="visually-hidden"> {course.title}</span>
          </button>
        )}
        <button type="button" class="btn btn-small" onClick={() => void act(() => archiveCourse(course.id, !course.archived))}>
          {course.archived ? 'Restore' : 'Archive'}
          <span class="visually-hidden"> {course.title}</span>
        </button>
      </div>
      {error && <Alert tone="error">{error}</Alert>}
    </li>
  );
}

export function CoursesPage() {
  const [courses, setCourses] = useState<CourseSummary[] | null>(null);
  const [teachers, setTeachers] = useState<User[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [ownerId, setOwnerId] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const [showArchived, setShowArchived] = useState(false);

  const load = () =>
    listCourses()
      .then(setCourses)
      .catch((err: unknown) => setError(`Could not load courses: ${errorMessage(err)}`));
  useEffect(() => {
    void load();
    void Promise.all([listUsers({ role: 'teacher', limit: 500, offset: 0 }), listUsers({ role: 'admin', limit: 500, offset: 0 })])
      .then(([t, a]) => setTeachers([...t, ...a].filter((u) => !u.disabled).sort((x, y) => x.name.localeCompare(y.name))))
      .catch(() => undefined);
  }, []);

  const create = async (e: Event) => {
    e.preventDefault();
    setFormError(null);
    if (!title.trim()) return setFormError('Enter a course title.');
    if (!ownerId) return setFormError('Choose the teacher who runs the course.');
    try {
      await createCourse({ title: title.trim(), ownerId });
      setTitle('');
      await load();
    } catch (err) {
      setFormError(errorMessage(err));
    }
  };

  const visible = (courses ?? []).filter((c) => showArchived || !c.archived);
  const archivedCount = (courses ?? []).filter((c) => c.archived).length;
  return (
    <>
      <div class="page-head">
        <h1>Courses</h1>
        <p class="muted">Every course, its teacher and its students. Archived courses keep their history.</p>
      </div>
      <div class="admin-users">
        <section class="card" aria-labelledby="courses-heading">
          <h2 id="courses-heading">
            Courses <span class="count">{visible.length}</span>
          </h2>
          {archivedCount > 0 && (
            <label class="check">
              <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.currentTarget.checked)} /> Show {archivedCount} archived
            </label>
          )}
          <ListState error={error} loading={courses === null && 'Loading courses…'} empty={visible.length === 0 && 'No course yet. Create the first one.'}>
            <ul class="course-list">
              {visible.map((c) => (
                <CourseRow key={c.id} course={c} teachers={teachers} onChanged={() => void load()} />
              ))}
            </ul>
          </ListState>
        </section>
        <form class="card stack" onSubmit={create} noValidate aria-labelledby="new-course-heading">
          <h2 id="new-course-heading">Create a course</h2>
          <div class="field">
            <label for="course-title">Title</label>
            <input id="course-title" value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
          </div>
          <SelectField id="course-owner" label="Teacher" value={ownerId} onValue={setOwnerId} blank="Choose a teacher…" options={teacherOptions(teachers)} />
          <SubmitRow notice={formError ? { tone: 'error', text: formError } : null} label="Create course" />
        </form>
      </div>
    </>
  );
}
