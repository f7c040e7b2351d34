import { useCallback, useEffect, useState } from 'preact/hooks';
import { errorMessage } from './api.js';
import { listSessions } from './sessions.js';
import type { Session } from './types.js';

export interface SessionsState {
  sessions: Session[];
  loading: boolean;
  error: string | null;
  reload: () => Promise<void>;
  /** Put a changed or new session into the list without a round trip. */
  upsert: (session: Session) => void;
}

export function useSessions(): SessionsState {
  const [sessions, setSessions] = useState<Session[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      setSessions(await listSessions());
      setError(null);
    } catch (err) {
      setError(`Could not load sessions: ${errorMessage(err)}`);
    } finally {
      setLoading(false);
    }
  }, []);

  const upsert = useCallback((session: Session) => {
    setSessions((list) => {
      const i = list.findIndex((s) => s.id === session.id);
      if (i === -1) return [...list, session];
      const next = [...list];
      next[i] = { ...next[i], ...session };
      return next;
    });
  }, []);

  useEffect(() => {
    void reload();
    const t = setInterval(() => void reload(), 30_000);
    return () => clearInterval(t);
  }, [reload]);

  return { sessions, loading, error, reload, upsert };
}
