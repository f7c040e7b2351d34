// Reusable student picker: the caller's courses, each with its enrolled students; pick students
// one by one or a whole course at once. Teachers see their own courses only (the API decides).
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../../api.js';
import { Alert } from '../../components/Alert.js';
import type { User } from '../../types.js';
import { schedule, type Course } from './scheduleApi.js';

interface Group {
  course: Course;
  students: User[];
}

export function StudentPicker({ selected, onChange, legend = 'Invite students' }: { selected: string[]; onChange: (ids: string[]) => void; legend?: string }) {
  const [groups, setGroups] = useState<Group[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const courses = await schedule.courses();
        const loaded = await Promise.all(courses.map(async (course) => ({ course, students: (await schedule.enrolments(course.id)).filter((u) => u.role === 'student') })));
        if (live) setGroups(loaded);
      } catch (err) {
        if (live) setError(`Could not load your students: ${errorMessage(err)}`);
      }
    })();
    return () => {
      live = false;
    };
  }, []);

  const chosen = new Set(selected);
  const toggle = (ids: string[], on: boolean) => {
    const next = new Set(chosen);
    for (const id of ids) {
      if (on) next.add(id);
      else next.delete(id);
    }
    onChange([...next]);
  };
  const needle = filter.trim().toLowerCase();

  return (
    <fieldset class="field picker">
      <legend>{legend}</legend>
      {error && <Alert tone="error">{error}</Alert>}
      {!groups && !error && <p class="muted small">Loading students…</p>}
      {groups && groups.length === 0 && <p class="muted small">No courses with enrolled students yet.</p>}
      {groups && groups.length > 0 && (
        <>
          <input type="search" class="picker-filter" placeholder="Filter by name" aria-label="Filter students by name" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
          <p class="muted small" aria-live="polite">
            {chosen.size} selected
          </p>
          <div class="picker-groups">
            {groups.map(({ course, students }) => {
              const ids = students.map((s) => s.id);
              const all = ids.length > 0 && ids.every((id) => chosen.has(id));
              const shown = students.filter((s) => !needle || s.name.toLowerCase().includes(needle) || s.email.toLowerCase().includes(needle));
              return (
                <div class="picker-group" key={course.id}>
                  <label class="picker-course">
                    <input type="checkbox" checked={all} disabled={!ids.length} onChange={(e) => toggle(ids, e.currentTarget.checked)} />
                    <strong>{course.title}</strong> <span class="muted small">— whole course ({ids.length})</span>
                  </label>
                  <ul class="picker-students">
                    {shown.map((s) => (
                      <li key={s.id}>
                        <label>
                          <input type="checkbox" checked={chosen.has(s.id)} onChange={(e) => toggle([s.id], e.currentTarget.checked)} />
                          {s.name} <span class="muted small">{s.email}</span>
                        </label>
                      </li>
                    ))}
                  </ul>
                </div>
              );
            })}
          </div>
        </>
      )}
    </fieldset>
  );
}
