// Group commit per conversation on this node: while one insert into a conversation is in
// flight, later text messages for it wait and then go together in ONE statement (one lock
// on the conversation row, one commit), numbered in arrival order. Under a slow commit a
// queue of messages costs one commit, not one each. If the batch statement fails (a resent
// clientId, a member removed meanwhile), every message of it is retried on its own.
import { sql } from 'drizzle-orm';
import { conversationMembers, conversations, messages, rowsOf, users } from '@lectern/db';
import type { AppContext } from '../context.js';

export interface Stored {
  seq: number;
  kind: string;
  title: string;
  author_name: string | null;
  members: string;
  caught_up: string;
}

export interface TextItem {
  id: string;
  authorId: string;
  clientId: string | null;
  parentId: string | null;
  text: string;
  at: string;
  /** Stores this message alone (the one-statement path). */
  single: () => Promise<Stored | undefined>;
}

interface Waiting {
  item: TextItem;
  resolve: (s: Stored | undefined) => void;
  reject: (err: unknown) => void;
}

const MAX_BATCH = 50;
/** How many messages went in a batch of more than one (for tests and the benchmark). */
export const groupCommitStats = { batches: 0, batchedMessages: 0 };
const queues = new WeakMap<AppContext, Map<string, Waiting[]>>();

export function insertText(ctx: AppContext, conversationId: string, item: TextItem): Promise<Stored | undefined> {
  let byConv = queues.get(ctx);
  if (!byConv) queues.set(ctx, (byConv = new Map<string, Waiting[]>()));
  const waiting = byConv.get(conversationId);
  if (waiting) return new Promise((resolve, reject) => waiting.push({ item, resolve, reject }));
  const queue: Waiting[] = [];
  byConv.set(conversationId, queue);
  const first = item.single();
  const drain = async () => {
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH);
      await flush(ctx, conversationId, batch);
    }
    byConv.delete(conversationId);
  };
  void first.then(drain, drain);
  return first;
}

async function flush(ctx: AppContext, conversationId: string, batch: Waiting[]): Promise<void> {
  if (batch.length > 1) {
    try {
      const rows = rowsOf<Stored & { id: string }>(await ctx.db.execute(batchStatement(conversationId, batch.map((w) => w.item))));
      if (rows.length === batch.length) {
        groupCommitStats.batches += 1;
        groupCommitStats.batchedMessages += rows.length;
        const byId = new Map(rows.map((r) => [r.id, r]));
        for (const w of batch) w.resolve(byId.get(w.item.id));
        return;
      }
    } catch {
      // One of them is a resend or cannot be stored: each goes on its own below.
    }
  }
  for (const w of batch) await w.item.single().then(w.resolve, w.reject);
}

function batchStatement(conversationId: string, items: TextItem[]) {
  const n = items.length;
  const values = sql.join(
    items.map((m, i) => sql`(${i + 1}::int, ${m.id}::uuid, ${m.authorId}::uuid, ${m.clientId}::text, ${m.parentId}::uuid, ${m.text}::text, ${m.at}::timestamptz)`),
    sql`, `,
  );
  const last = items[n - 1]!.at;
  return sql`
    with v(ord, id, author_id, client_id, parent_id, text, at) as (values ${values}),
    c as (
      update ${conversations} set last_seq = last_seq + ${n}::int, updated_at = ${last}::timestamptz
      where id = ${conversationId}
        and not exists (select 1 from v where not exists (
          select 1 from ${conversationMembers} cm where cm.conversation_id = ${conversationId} and cm.user_id = v.author_id and cm.removed_at is null))
      returning last_seq, kind, title
    ), m as (
      insert into ${messages} (id, conversation_id, seq, author_id, client_id, parent_id, text, kind, created_at)
      select v.id, ${conversationId}::uuid, c.last_seq - ${n}::int + v.ord, v.author_id, v.client_id, v.parent_id, v.text, 'text', v.at from c, v
      returning id, seq, author_id
    )
    select m.id, m.seq, c.kind, c.title,
      (select name from ${users} u where u.id = m.author_id) as author_name,
      (select coalesce(string_agg(user_id::text, ','), '') from ${conversationMembers} where conversation_id = ${conversationId} and removed_at is null) as members,
      (select coalesce(string_agg(cm.user_id::text, ','), '') from ${conversationMembers} cm
        where cm.conversation_id = ${conversationId} and cm.removed_at is null and cm.user_id <> m.author_id and cm.last_read_seq >= m.seq - 1) as caught_up
    from m, c`;
}
