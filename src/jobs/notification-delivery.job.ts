import type { NotificationDelivery } from '../modules/notification/notification.delivery.js';
import type { Job } from './job.js';

/** Drains the outbox every few seconds in every replica (rows are claimed with SKIP LOCKED, so replicas share the work). */
export function notificationDeliveryJob(delivery: NotificationDelivery, clock: () => Date): Job {
  return {
    name: 'notification-delivery',
    run: ({ signal }) => delivery.run(clock, signal),
  };
}
