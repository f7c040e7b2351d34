// The People list of a webinar: hundreds of viewers are paged from the server (`roster`),
// hosts and presenters first, with Promote/Demote for the hosts. The count is live.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { PeerInfo } from '@lectern/server/protocol';
import type { RoomClient } from './RoomClient.js';
import type { RoomSnapshot } from './roomTypes.js';

export const PEOPLE_PAGE = 50;

interface WebinarPeopleProps {
  client: Pick<RoomClient, 'rosterPage' | 'promote' | 'demote'>;
  snap: RoomSnapshot;
}

const roleText = (p: PeerInfo) => (p.role === 'host' ? ' (host)' : p.role === 'cohost' ? ' (co-host)' : p.promoted ? ' (presenter)' : '');

export function WebinarPeople({ client, snap }: WebinarPeopleProps) {
  const [people, setPeople] = useState<PeerInfo[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const [failed, setFailed] = useState(false);

  const load = useCallback(
    async (offset: number, keep: PeerInfo[]) => {
      setLoading(true);
      try {
        const page = await client.rosterPage(offset, PEOPLE_PAGE);
        const seen = new Set(keep.map((p) => p.peerId));
        setPeople([...keep, ...page.peers.filter((p) => !seen.has(p.peerId))]);
        setTotal(page.total);
        setFailed(false);
      } catch {
        setFailed(true);
      } finally {
        setLoading(false);
      }
    },
    [client],
  );

  // First page on open; again when someone is promoted or demoted (the order changes).
  const promotedKey = snap.peers.map((p) => `${p.peerId}:${p.promoted ? 1 : 0}`).join(',');
  useEffect(() => void load(0, []), [load, promotedKey]);

  const act = async (p: PeerInfo, promote: boolean) => {
    await (promote ? client.promote(p.peerId) : client.demote(p.peerId));
    await load(0, []);
  };
  const shown = total ?? snap.peopleCount - 1;
  return (
    <>
      <ul class="people" aria-label="People in the room">
        {people.map((p) => (
          <li key={p.peerId} class="person" aria-label={p.displayName}>
            <span class="person-name">
              {p.displayName}
              <span class="muted">{roleText(p)}</span>
            </span>
            {snap.isHost && p.role !== 'host' && p.role !== 'cohost' && (
              <span class="person-actions">
                {p.promoted ? (
                  <button type="button" class="btn btn-small btn-secondary" onClick={() => void act(p, false)}>
                    Demote<span class="visually-hidden"> {p.displayName}</span>
                  </button>
                ) : (
                  <button type="button" class="btn btn-small btn-primary" onClick={() => void act(p, true)}>
                    Promote<span class="visually-hidden"> {p.displayName}</span>
                  </button>
                )}
              </span>
            )}
          </li>
        ))}
      </ul>
      {failed && <p class="muted small">Could not load the list. Try again.</p>}
      {(people.length < shown || failed) && (
        <button type="button" class="btn btn-small btn-secondary people-more" disabled={loading} onClick={() => void load(people.length, people)}>
          {loading ? 'Loading…' : `Load more (${people.length} of ${shown})`}
        </button>
      )}
    </>
  );
}
