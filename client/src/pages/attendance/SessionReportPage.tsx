// /sessions/:id/attendance — one session: totals, the head count over time, a table of
// participants with corrections, and the CSV download.
import { useState } from 'preact/hooks';
import { TableHead } from '../../components/TableHead.js';
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
import { LoadState, Stats, StatusBadge, useLoad } from './parts.js';

export function SessionReportPage({ params }: { params: Params }) {
  const id = params.id ?? '';
  const [report, reload] = useLoad(() => getSessionReport(id), [id]);
  const [editing, setEditing] = useState<ParticipantRecord | null>(null);
  const [csvError, setCsvError] = useState<string | null>(null);
  if (report.state !== 'ready') return <LoadState value={report} />;
  const r = report.data;
  const zone = r.timezone;
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
      {csvError && (
        <p class="alert alert-error" role="alert">
          {csvError}
        </p>
      )}
      <Stats
        label="Totals"
        items={[
          { label: 'Attendance', value: percent(r.totals.rate) },
          { label: 'Expected', value: r.totals.expected },
          { label: 'Present', value: r.totals.present },
          { label: 'Late', value: r.totals.late },
          { label: 'Absent', value: r.totals.absent },
          { label: 'Excused', value: r.totals.excused },
          { label: 'Peak in room', value: r.totals.peakHeadCount },
        ]}
      />
      {r.timeline.length > 0 && (
        <section class="card" aria-labelledby="headcount-title">
          <h2 id="headcount-title">Head count over the session</h2>
          <HeadCountChart timeline={r.timeline} zone={zone} title="People in the room" {...chartWindow(r)} />
        </section>
      )}
      <section class="card" aria-labelledby="people-title">
        <h2 id="people-title">Participants</h2>
        <div class="table-wrap">
          <table class="table att-table">
            <TableHead cols={['Name', 'Status', 'First join', 'Last leave', 'Minutes', 'Joins', 'Note']} num={['Minutes', 'Joins']}>
              {canCorrect && <th scope="col"><span class="visually-hidden">Actions</span></th>}
            </TableHead>
            <tbody>
              {r.participants.map((p) => (
                <tr key={p.participantId} data-participant={p.participantId}>
                  <th scope="row">
                    {p.userId ? <Link href={`/students/${p.userId}/attendance`}>{p.name}</Link> : p.name}
                    <div class="muted small">
                      {p.role}
                      {p.rsvp === 'accepted' ? ' · registered' : p.rsvp === 'declined' ? ' · declined' : ''}
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
                  {canCorrect && (
                    <td>
                      {p.role !== 'host' && p.role !== 'cohost' && (
                        <button type="button" class="btn btn-ghost btn-small" aria-label={`Correct attendance of ${p.name}`} onClick={() => setEditing(p)}>
                          Correct
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
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

function chartWindow(r: SessionReport): { from: number; to: number } {
  const from = Date.parse(r.session.startedAt ?? r.session.scheduledAt);
  const planned = Date.parse(r.session.scheduledAt) + r.session.durationMinutes * 60_000;
  const to = r.session.endedAt ? Date.parse(r.session.endedAt) : r.session.status === 'live' ? Date.parse(r.generatedAt) : planned;
  return { from, to };
}
