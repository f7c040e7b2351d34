// Email channel: nodemailer over SMTP (LECTERN_SMTP_URL). HTML and text parts, the .ics
// attached for session changes. Message-ID is derived from the outbox row, so a receiver
// can tell a re-send (after a crash between send and mark) from a new message.
import { eq } from 'drizzle-orm';
import { rootCertificates } from 'node:tls';
import nodemailer from 'nodemailer';
import SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { users, type Database } from '@lectern/db';
import { SendError, type Channel, type OutboxRow, type Rendered, type SendOutcome } from '../types.js';

export interface EmailChannelOptions {
  db: Database;
  /** undefined: email is off. */
  smtpUrl: string | undefined;
  from: string;
  maxConnections?: number;
  /**
   * PEM CA(s) to trust for the server's certificate in addition to the system roots (a
   * server with a private CA). Certificates are always verified: STARTTLS for smtp://
   * (nodemailer upgrades whenever the server offers it), implicit TLS for smtps://.
   */
  tlsCa?: string;
}

export function messageIdOf(row: Pick<OutboxRow, 'id'>): string {
  return `<${row.id}@lectern.outbox>`;
}

export function createEmailChannel(opts: EmailChannelOptions): Channel {
  if (!opts.smtpUrl) {
    return {
      name: 'email',
      enabled: false,
      send: () => Promise.resolve({ status: 'skipped', reason: 'email is not configured' }),
      close: () => Promise.resolve(),
    };
  }
  // The pool is built here because nodemailer.createTransport({ url, ... }) keeps only what
  // the URL says and drops every other option (pool, timeouts, tls). SMTPPool merges them:
  // the URL's host, port, credentials and scheme (smtps:// = TLS), and these.
  const pool = new SMTPPool({
    url: opts.smtpUrl,
    pool: true,
    maxConnections: opts.maxConnections ?? 3,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    ...(opts.tlsCa ? { tls: { ca: [...rootCertificates, opts.tlsCa] } } : {}),
  });
  const transport = nodemailer.createTransport(pool);
  return {
    name: 'email',
    enabled: true,
    async send(row: OutboxRow, m: Rendered): Promise<SendOutcome> {
      // A guest without an account (a booking) is addressed by email; the name comes with the payload.
      const [user] = row.recipientId
        ? await opts.db.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, row.recipientId))
        : row.recipientEmail
          ? [{ email: row.recipientEmail, name: typeof row.payload.recipientName === 'string' ? row.payload.recipientName : '' }]
          : [];
      if (!user) return { status: 'skipped', reason: 'recipient no longer exists' };
      const ics = m.email.ics;
      try {
        await transport.sendMail({
          from: opts.from,
          to: { name: user.name, address: user.email },
          subject: m.email.subject,
          text: m.email.text,
          html: m.email.html,
          messageId: messageIdOf(row),
          headers: { 'X-Lectern-Event': row.eventKey, ...(m.urgent ? { Importance: 'high', 'X-Priority': '1' } : {}) },
          attachments: ics ? [{ filename: ics.filename, content: ics.content, contentType: 'text/calendar; charset=utf-8; method=PUBLISH' }] : [],
        });
      } catch (err) {
        const code = (err as { responseCode?: unknown }).responseCode;
        // 5xx is the server's final answer (bad mailbox, rejected); anything else may pass later.
        const permanent = typeof code === 'number' && code >= 500 && code < 600;
        throw new SendError(`smtp: ${(err as Error).message}`, !permanent);
      }
      return { status: 'sent' };
    },
    close: () => {
      transport.close();
      return Promise.resolve();
    },
  };
}
