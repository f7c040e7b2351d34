// A real SMTP server for tests (smtp-server on 127.0.0.1, random port): receives and
// keeps every message; can be told to answer with an SMTP error code. Plain by default;
// with `tls` it offers STARTTLS (or speaks TLS from the first byte: `implicit`), and with
// `login` it requires AUTH, which smtp-server only allows once the connection is secure.
import { SMTPServer } from 'smtp-server';
import { parseMime, type MimePart } from './mime.js';

export interface ReceivedMail {
  raw: string;
  to: string[];
  mime: MimePart;
  messageId: string;
  /** The user it authenticated as (undefined: no AUTH). */
  user: string | undefined;
  /** The connection was TLS when the message came (STARTTLS or implicit). */
  secure: boolean;
}

export interface SmtpSinkOptions {
  tls?: { key: string; cert: string; implicit?: boolean };
  login?: { user: string; pass: string };
}

export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  /** When set, DATA is answered with this code instead of accepted. */
  rejectWith: { code: number; message: string } | undefined;
  /** Called for every accepted message before it is acknowledged. */
  onMessage: ((m: ReceivedMail) => void) | undefined;
  readonly #server: SMTPServer;
  readonly #scheme: 'smtp' | 'smtps';
  #port = 0;
  /** Logins refused so far (wrong user or password). */
  failedLogins = 0;
  /** Connection errors seen after start (a TLS handshake the client gave up). */
  readonly errors: Error[] = [];

  private constructor(opts: SmtpSinkOptions) {
    const { tls, login } = opts;
    this.#scheme = tls?.implicit ? 'smtps' : 'smtp';
    const disabled = [...(tls ? [] : ['STARTTLS']), ...(login ? [] : ['AUTH'])];
    this.#server = new SMTPServer({
      ...(tls ? { key: tls.key, cert: tls.cert, secure: tls.implicit ?? false } : {}),
      authOptional: !login,
      authMethods: ['PLAIN', 'LOGIN'],
      disabledCommands: disabled,
      onAuth: (auth, _session, callback) => {
        if (login && auth.username === login.user && auth.password === login.pass) {
          callback(null, { user: auth.username });
          return;
        }
        this.failedLogins++;
        callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
      logger: false,
      // close() waits this long for clients to hang up before dropping them (smtp-server's
      // default is 30 s): a pooled transport the test left open held each suite's teardown 30 s.
      closeTimeout: 200,
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
            user: session.user,
            secure: session.secure,
          };
          this.messages.push(m);
          this.onMessage?.(m);
          callback();
        });
      },
    });
  }

  static async start(opts: SmtpSinkOptions = {}): Promise<SmtpSink> {
    const sink = new SmtpSink(opts);
    await new Promise<void>((resolve, reject) => {
      sink.#server.once('error', reject);
      sink.#server.listen(0, '127.0.0.1', () => resolve());
    });
    // A client that hangs up mid-handshake (one refusing our certificate) is an error event.
    sink.#server.on('error', (err) => sink.errors.push(err));
    const addr = sink.#server.server.address();
    sink.#port = typeof addr === 'object' && addr ? addr.port : 0;
    return sink;
  }

  /** `smtp://` (or `smtps://` for implicit TLS) on 127.0.0.1, with `user:pass@` when given. */
  urlWith(login?: { user: string; pass: string }): string {
    const auth = login ? `${encodeURIComponent(login.user)}:${encodeURIComponent(login.pass)}@` : '';
    return `${this.#scheme}://${auth}127.0.0.1:${this.#port}`;
  }

  get url(): string {
    return this.urlWith();
  }

  uniqueMessageIds(): Set<string> {
    return new Set(this.messages.map((m) => m.messageId));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
