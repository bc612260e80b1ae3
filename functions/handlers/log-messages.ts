/**
 * Log messages that something outside the code watches: CloudWatch metric filters in
 * infra/constructs/alarms.ts match them exactly, so they are named once, here.
 */

/** SES refused an email to the tenant's owner (a hand-over, bounce, complaint or dispute alert). */
export const LOG_OWNER_NOT_ALERTED = "owner not alerted";
