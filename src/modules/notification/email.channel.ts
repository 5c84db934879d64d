import type { Transporter } from 'nodemailer';

/** The email port of the delivery worker. */
export interface EmailSender {
  send(message: { to: string; subject: string; text: string }): Promise<void>;
}

/** SMTP through nodemailer (`SMTP_URL`, e.g. `smtp://user:pass@mail.example.com:587`). */
export class SmtpEmailSender implements EmailSender {
  /** nodemailer loads on the first email, so a bot without SMTP never pays for it at start-up. */
  private transport: Promise<Transporter> | undefined;

  constructor(
    private readonly url: string,
    private readonly from: string,
  ) {}

  async send(message: { to: string; subject: string; text: string }): Promise<void> {
    this.transport ??= import('nodemailer').then((m) => m.default.createTransport(this.url));
    await (await this.transport).sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text });
  }

  close(): void {
    void this.transport?.then((t) => t.close()).catch(() => undefined);
  }
}

/** SMTP answers that will not change on a retry (5xx: mailbox unknown, rejected). */
export function isPermanentEmailError(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500;
}
