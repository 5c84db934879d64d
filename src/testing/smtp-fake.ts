import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

/**
 * A local SMTP server (smtp-server) on 127.0.0.1 that keeps every message it
 * receives; `url` goes into SMTP_URL. `rejectNext(code)` answers the next
 * message with an SMTP error (5xx permanent, 4xx transient).
 */
export class SmtpFake {
  readonly received: ReceivedMail[] = [];
  private rejections: number[] = [];

  private constructor(
    private readonly server: SMTPServer,
    readonly url: string,
  ) {}

  static async start(): Promise<SmtpFake> {
    // eslint-disable-next-line prefer-const -- assigned once the server listens; the handlers read it after that
    let fake: SmtpFake | undefined;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const code = fake!.rejections.shift();
          if (code) {
            const error = Object.assign(new Error(code >= 500 ? 'mailbox unavailable' : 'try again later'), { responseCode: code });
            return callback(error);
          }
          fake!.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.server.address() as AddressInfo;
    fake = new SmtpFake(server, `smtp://127.0.0.1:${port}`);
    return fake;
  }

  rejectNext(code: number): void {
    this.rejections.push(code);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
