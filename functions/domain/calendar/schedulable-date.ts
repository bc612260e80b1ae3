/**
 * A date dun schedules by: a due date, an installment's due date, the end of a pause, a promised
 * date. Business time needs the public holidays of the date's year, and the holiday table ends
 * (holidays.ts), so a date after its last year is refused where it comes in, naming the field,
 * rather than stored and failing every time the ladder is asked about the invoice.
 */
import { IsoDateSchema } from "#domain/text.ts";
import { HOLIDAY_TABLE } from "./holidays.ts";

/** The last date the holiday table answers for. */
export const LAST_SCHEDULABLE_DATE = `${HOLIDAY_TABLE.lastYear}-12-31`;

export const SchedulableDateSchema = IsoDateSchema.refine((date) => date <= LAST_SCHEDULABLE_DATE, {
  message: `must be ${LAST_SCHEDULABLE_DATE} or earlier: dun schedules up to ${HOLIDAY_TABLE.lastYear}, the last year of its public holiday table`,
});
