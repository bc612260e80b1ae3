/**
 * Log messages that something outside the code watches: CloudWatch metric filters in
 * infra/constructs/alarms.ts match them exactly, so they are named once, here.
 */

/** SES refused an email to the tenant's owner (a hand-over, bounce, complaint or dispute alert). */
export const LOG_OWNER_NOT_ALERTED = "owner not alerted";
/**
 * SES refuses to send anything for now: the account or the configuration set is paused, the daily
 * quota is used up, the sender identity or MAIL FROM domain is not verified, the account is in the
 * sandbox. The invoice stays due, with a backoff; logged once per deferred invoice.
 */
export const LOG_SENDING_BLOCKED = "sending blocked";
/** SES throttled a send (the sending rate): the invoice stays due, with a short backoff. */
export const LOG_SENDING_THROTTLED = "sending throttled";
/** SES refused one email for good (MessageRejected, an address it will not take): a person must look. */
export const LOG_EMAIL_REFUSED = "email refused";
