// Helpers for the scheduling tests: a school (courses, enrolments, people) and an
// independent iCalendar reader (Debian's python3-icalendar) run as a child process.
import { execFileSync } from 'node:child_process';
import type { TestApp } from '../../test/harness.js';

export type Headers = { authorization: string };
export interface Person {
  id: string;
  headers: Headers;
}

export interface School {
  admin: Person;
  teacherA: Person;
  teacherB: Person;
  mentor: Person;
  studentA: Person;
  studentA2: Person;
  studentB: Person;
  loner: Person;
  courseA: string;
  courseB: string;
}

export async function makeSchool(t: TestApp): Promise<School> {
  const admin = await t.userWithToken('admin', 'Ada Admin');
  const teacherA = await t.userWithToken('teacher', 'Tara Teacher');
  const teacherB = await t.userWithToken('teacher', 'Theo Other');
  const mentor = await t.userWithToken('mentor', 'Mina Mentor');
  const studentA = await t.userWithToken('student', 'Sam Student');
  const studentA2 = await t.userWithToken('student', 'Sue Student');
  const studentB = await t.userWithToken('student', 'Bob Elsewhere');
  const loner = await t.userWithToken('student', 'Lou Loner');
  const course = async (who: Person, title: string, students: Person[]) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/courses', headers: who.headers, payload: { title } });
    if (res.statusCode !== 201) throw new Error(`course: ${res.statusCode} ${res.body}`);
    const id = res.json<{ id: string }>().id;
    const enr = await t.app.inject({ method: 'POST', url: `/api/courses/${id}/enrolments`, headers: who.headers, payload: { userIds: students.map((s) => s.id) } });
    if (enr.statusCode >= 300) throw new Error(`enrol: ${enr.statusCode} ${enr.body}`);
    return id;
  };
  const courseA = await course(teacherA, 'Algebra', [studentA, studentA2]);
  const courseB = await course(teacherB, 'Biology', [studentB]);
  return { admin, teacherA, teacherB, mentor, studentA, studentA2, studentB, loner, courseA, courseB };
}

export interface ParsedEvent {
  uid: string;
  sequence: number;
  status: string;
  start: string;
  end: string;
  summary: string;
  url: string | null;
  location: string | null;
  description: string | null;
  organizer: string | null;
  /** DTSTART as written ('20260310T093000Z'), its TZID parameter, and the zone of the parsed value ('UTC' for a Z time). */
  startRaw: string;
  startTzid: string | null;
  startZone: string | null;
  /** X-LECTERN-TZID: the session's own zone. */
  lecternTzid: string | null;
}

const PY = `
import json, sys
from datetime import timezone
import icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
def text_of(component, key):
    v = component.get(key)
    return None if v is None else str(v)
out = []
for ev in cal.walk('VEVENT'):
    def utc(key):
        return ev.decoded(key).astimezone(timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.000Z')
    def text(key):
        v = ev.get(key)
        return None if v is None else str(v)
    out.append({'uid': str(ev['UID']), 'sequence': int(ev.get('SEQUENCE', 0)), 'status': str(ev.get('STATUS')),
                'start': utc('DTSTART'), 'end': utc('DTEND'), 'summary': str(ev['SUMMARY']), 'url': text('URL'),
                'location': text('LOCATION'), 'description': text('DESCRIPTION'), 'organizer': text('ORGANIZER'),
                'startRaw': ev['DTSTART'].to_ical().decode(), 'startTzid': ev['DTSTART'].params.get('TZID'),
                'startZone': ev.decoded('DTSTART').tzname(), 'lecternTzid': text('X-LECTERN-TZID')})
print(json.dumps({'version': str(cal['VERSION']), 'method': text_of(cal, 'METHOD'), 'events': out}))
`;

/** Parses with python3-icalendar; throws if it cannot. */
export function parseIcs(text: string): { version: string; method: string | null; events: ParsedEvent[] } {
  const out = execFileSync('/usr/bin/python3', ['-c', PY], { input: text, encoding: 'utf8' });
  return JSON.parse(out) as { version: string; method: string | null; events: ParsedEvent[] };
}
