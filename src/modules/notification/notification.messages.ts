import { defineMessages } from '../../core/messages.js';

export const notificationMessages = defineMessages('notification', {
  recent_title: () => '🔔 Recent notifications',
  none_yet: () => 'Nothing yet. Reminders, streak nudges and unlocks will show up here.',
  marked_read: () => 'Marked as read.',
  preferences_title: () => '🔔 Notification preferences',
  email_on_file: (p: { email: string; available: boolean }) =>
    p.available ? `Email goes to ${p.email}.` : `Email address ${p.email} is saved, but this Questlog has no mail server configured (SMTP_URL).`,
  email_missing: () => 'No email address set: /settings email you@example.com',
  preference_set: (p: { type: string; channel: string; on: boolean }) => `${p.type} by ${p.channel}: ${p.on ? 'on' : 'off'}.`,
  email_set: (p: { email: string }) => `Email set to ${p.email}.`,
  email_cleared: () => 'Email address removed; no notification will be emailed.',
  bad_type: (p: { got: string; allowed: readonly string[] }) => `\`type\` must be one of ${p.allowed.join(', ')} (got "${p.got}").`,
  bad_channel: (p: { got: string }) => `\`channel\` must be in_app or email (got "${p.got}").`,
  bad_email: (p: { got: string }) => `\`address\` must be an email address such as you@example.com, or off (got "${p.got}").`,
  email_taken: () => 'That email address belongs to another Questlog account.',
});
