// A real SMTP server for tests (smtp-server on 127.0.0.1, random port): receives and
// keeps every message; can be told to answer with an SMTP error code.
import { SMTPServer } from 'smtp-server';
import { parseMime, type MimePart } from './mime.js';

export interface ReceivedMail {
  raw: string;
  to: string[];
  mime: MimePart;
  messageId: string;
}

export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  /** When set, DATA is answered with this code instead of accepted. */
  rejectWith: { code: number; message: string } | undefined;
  /** Called for every accepted message before it is acknowledged. */
  onMessage: ((m: ReceivedMail) => void) | undefined;
  readonly #server: SMTPServer;
  #port = 0;

  private constructor() {
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: 5_000_000,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (this.rejectWith) {
            const err = Object.assign(new Error(this.rejectWith.message), { responseCode: this.rejectWith.code });
            callback(err);
            return;
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          const mime = parseMime(raw);
          const m: ReceivedMail = {
            raw,
            to: session.envelope.rcptTo.map((r) => r.address),
            mime,
            messageId: mime.headers.get('message-id') ?? '',
          };
          this.messages.push(m);
          this.onMessage?.(m);
          callback();
        });
      },
    });
  }

  static async start(): Promise<SmtpSink> {
    const sink = new SmtpSink();
    await new Promise<void>((resolve, reject) => {
      sink.#server.once('error', reject);
      sink.#server.listen(0, '127.0.0.1', () => resolve());
    });
    const addr = sink.#server.server.address();
    sink.#port = typeof addr === 'object' && addr ? addr.port : 0;
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.#port}`;
  }

  uniqueMessageIds(): Set<string> {
    return new Set(this.messages.map((m) => m.messageId));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
