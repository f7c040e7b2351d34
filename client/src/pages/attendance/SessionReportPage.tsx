// /sessions/:id/attendance — one session: invited people by attendance (adding up to the
// invited), guests apart, the head count over time, the participants grouped into invited,
// guests and hosts with corrections, and the CSV download.
import { useState } from 'preact/hooks';
import { ActionCell } from '../../components/ActionCell.js';
import { Alert } from '../../components/Alert.js';
import { errorMessage } from '../../api.js';
import { currentUser } from '../../auth.js';
import { Link } from '../../components/Link.js';
import type { Params } from '../../router.js';
import { isStaff } from '../../types.js';
import type { ParticipantRecord, SessionReport } from '@lectern/server/contract/attendance';
import { downloadCsv, getSessionReport } from './attendanceApi.js';
import { HeadCountChart } from './charts.js';
import { CorrectionDialog } from './CorrectionDialog.js';
import { percent, timeIn } from './format.js';
import { LoadState, Stats, StatusBadge, TableCard, useLoad } from './parts.js';

export function SessionReportPage({ params }: { params: Params }) {
  const id = params.id ?? '';
  const [report, reload] = useLoad(() => getSessionReport(id), [id]);
  const [editing, setEditing] = useState<ParticipantRecord | null>(null);
  const [csvError, setCsvError] = useState<string | null>(null);
  if (report.state !== 'ready') return <LoadState value={report} />;
  const r = report.data;
  const t = r.totals;
  const zone = r.timezone;
  const held = r.session.startedAt !== null || r.session.status === 'live' || r.session.status === 'completed';
  // The server decides; staff get the button, students only ever see their own row.
  const user = currentUser();
  const canCorrect = user !== null && isStaff(user.role);

  return (
    <div class="att-page">
      <div class="att-head">
        <div>
          <h1>Attendance: {r.session.title}</h1>
          <p class="muted">
            {timeIn(r.session.startedAt ?? r.session.scheduledAt, zone, true)} · times in {zone} · late after {r.lateGraceMinutes} min
            {r.session.courseId && (
              <>
                {' · '}
                <Link href={`/courses/${r.session.courseId}/attendance`}>Course chart</Link>
              </>
            )}
          </p>
        </div>
        <button
          type="button"
          class="btn btn-secondary"
          onClick={() => {
            setCsvError(null);
            downloadCsv(id).catch((err: unknown) => setCsvError(errorMessage(err)));
          }}
        >
          Download CSV
        </button>
      </div>
      {csvError && <Alert tone="error">{csvError}</Alert>}
      <div class="att-totals">
        <section class="card" aria-labelledby="invited-title">
          <h2 id="invited-title">Invited: {t.expected}</h2>
          <Stats
            label="Invited people by attendance"
            items={[
              ...(held
                ? [
                    { label: 'Present', value: t.present, hint: 'came on time' },
                    { label: 'Late', value: t.late, hint: `came more than ${r.lateGraceMinutes} min after the start` },
                    { label: 'Absent', value: t.absent, hint: 'did not come' },
                    { label: 'Excused', value: t.excused, hint: 'excused by a teacher' },
                  ]
                : []),
              ...(t.pending > 0 ? [{ label: 'Not held yet', value: t.pending, hint: 'attendance counts once the session starts' }] : []),
            ]}
          />
          <p class="muted small att-sum">{sumLine(r)}</p>
        </section>
        <section class="card" aria-labelledby="overall-title">
          <h2 id="overall-title">Overall</h2>
          <Stats
            label="Overall"
            items={[
              { label: 'Attendance', value: percent(t.rate), hint: 'invited who came (present or late) ÷ invited; excused not counted' },
              { label: 'Guests', value: t.guests, hint: 'joined without an invitation (with a code, say); not in the rate' },
              { label: 'Came in total', value: t.attended + t.unexpected, hint: `${t.attended} invited + ${t.unexpected} ${t.unexpected === 1 ? 'guest' : 'guests'}, hosts not counted` },
              { label: 'Peak in room', value: t.peakHeadCount, hint: 'most people in the room at once, hosts included' },
            ]}
          />
        </section>
      </div>
      {r.timeline.length > 0 && (
        <section class="card" aria-labelledby="headcount-title">
          <h2 id="headcount-title">Head count over the session</h2>
          <HeadCountChart timeline={r.timeline} zone={zone} title="People in the room" {...chartWindow(r)} />
        </section>
      )}
      <TableCard
        id="people-title"
        title="Participants"
        tableClass="table att-table"
        cols={['Name', 'Status', 'First join', 'Last leave', 'Minutes', 'Joins', 'Note']}
        num={['Minutes', 'Joins']}
        head={
          canCorrect && (
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          )
        }
      >
        {GROUPS.map((g) => {
          const rows = r.participants.filter((p) => kindOf(p) === g.kind);
          if (rows.length === 0) return null;
          return (
            <tbody key={g.kind}>
              <tr class="att-group">
                <th scope="colgroup" colSpan={canCorrect ? 8 : 7}>
                  {g.title} ({rows.length})<span class="muted small"> — {g.hint}</span>
                </th>
              </tr>
              {rows.map((p) => (
                <tr key={p.participantId} data-participant={p.participantId}>
                  <th scope="row">
                    {p.userId ? <Link href={`/students/${p.userId}/attendance`}>{p.name}</Link> : p.name}
                    <div class="muted small">
                      {g.kind === 'host' ? p.role : g.kind === 'guest' ? 'not invited' : p.rsvp === 'accepted' ? 'registered' : p.rsvp === 'declined' ? 'declined' : 'invited'}
                      {p.inRoomNow ? ' · in the room' : ''}
                    </div>
                  </th>
                  <td>
                    <StatusBadge status={p.status} />
                    {p.corrected && <div class="muted small">corrected</div>}
                  </td>
                  <td>{timeIn(p.firstJoinAt, zone)}</td>
                  <td>{p.inRoomNow ? 'still here' : timeIn(p.lastLeaveAt, zone)}</td>
                  <td class="num">{p.minutesPresent}</td>
                  <td class="num">{p.intervals}</td>
                  <td class="att-note">{p.note}</td>
                  {canCorrect && (g.kind === 'host' ? <td /> : <ActionCell ghost label="Correct" ariaLabel={`Correct attendance of ${p.name}`} onClick={() => setEditing(p)} />)}
                </tr>
              ))}
            </tbody>
          );
        })}
      </TableCard>
      {editing && (
        <CorrectionDialog
          sessionId={id}
          participant={editing}
          onDone={(changed) => {
            setEditing(null);
            if (changed) reload();
          }}
        />
      )}
    </div>
  );
}

type Kind = 'host' | 'invited' | 'guest';
const GROUPS: { kind: Kind; title: string; hint: string }[] = [
  { kind: 'invited', title: 'Invited', hint: 'invitees and students of the course' },
  { kind: 'guest', title: 'Guests', hint: 'joined without an invitation' },
  { kind: 'host', title: 'Hosts', hint: 'not counted in the totals' },
];
const kindOf = (p: ParticipantRecord): Kind => (p.role === 'host' || p.role === 'cohost' ? 'host' : p.expected ? 'invited' : 'guest');

/** "3 present + 1 late + 1 absent + 0 excused = 5 invited." */
function sumLine(r: SessionReport): string {
  const t = r.totals;
  const parts = [`${t.present} present`, `${t.late} late`, `${t.absent} absent`, `${t.excused} excused`];
  if (t.pending > 0) parts.push(`${t.pending} not held yet`);
  return `${parts.join(' + ')} = ${t.expected} invited.`;
}

function chartWindow(r: SessionReport): { from: number; to: number } {
  const from = Date.parse(r.session.startedAt ?? r.session.scheduledAt);
  const planned = Date.parse(r.session.scheduledAt) + r.session.durationMinutes * 60_000;
  const to = r.session.endedAt ? Date.parse(r.session.endedAt) : r.session.status === 'live' ? Date.parse(r.generatedAt) : planned;
  return { from, to };
}
