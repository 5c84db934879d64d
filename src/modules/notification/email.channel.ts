import nodemailer, { type Transporter } from 'nodemailer';

/** The email port of the delivery worker. */
export interface EmailSender {
  send(message: { to: string; subject: string; text: string }): Promise<void>;
}

/** SMTP through nodemailer (`SMTP_URL`, e.g. `smtp://user:pass@mail.example.com:587`). */
export class SmtpEmailSender implements EmailSender {
  private readonly transport: Transporter;

  constructor(url: string, private readonly from: string) {
    this.transport = nodemailer.createTransport(url);
  }

  async send(message: { to: string; subject: string; text: string }): Promise<void> {
    await this.transport.sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text });
  }

  close(): void {
    this.transport.close();
  }
}

/** SMTP answers that will not change on a retry (5xx: mailbox unknown, rejected). */
export function isPermanentEmailError(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500;
}
