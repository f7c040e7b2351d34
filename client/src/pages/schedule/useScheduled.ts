// Loads the caller's sessions in a window around now and refreshes them every 30 s.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../../api.js';
import { schedule, type FullSession } from './scheduleApi.js';

export function useScheduled(query: Record<string, string | undefined> = {}, pastDays = 120) {
  const [sessions, setSessions] = useState<FullSession[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify(query);
  const reload = useCallback(async () => {
    try {
      const from = new Date(Date.now() - pastDays * 86_400_000).toISOString();
      setSessions(await schedule.list({ from, limit: '500', ...(JSON.parse(key) as Record<string, string | undefined>) }));
      setError(null);
    } catch (err) {
      setError(`Could not load sessions: ${errorMessage(err)}`);
    } finally {
      setLoading(false);
    }
  }, [key, pastDays]);
  useEffect(() => {
    void reload();
    const t = setInterval(() => void reload(), 30_000);
    return () => clearInterval(t);
  }, [reload]);
  return { sessions, loading, error, reload };
}

const endOf = (s: FullSession): number => new Date(s.scheduledAt).getTime() + s.durationMinutes * 60_000;

export function split(sessions: FullSession[], now: number) {
  const live = sessions.filter((s) => s.status === 'live');
  const upcoming = sessions.filter((s) => s.status === 'scheduled' && endOf(s) > now);
  const past = sessions.filter((s) => s.status === 'completed' || s.status === 'cancelled' || (s.status === 'scheduled' && endOf(s) <= now)).reverse();
  return { live, upcoming, past };
}
