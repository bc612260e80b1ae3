/**
 * The Dutch statutory scale of extrajudicial collection costs (the BIK staffel): what a
 * veertiendagenbrief must state in euros before a consumer can owe it (art. 6:96 lid 6 BW). The
 * amount follows from the principal alone, so the letter can name it exactly; a letter naming more
 * than the scale allows earns the creditor nothing.
 */
import type { IsoDate } from "#domain/calendar/iso-date.ts";
import type { Source } from "./rule-schema.ts";

const BESLUIT = "https://wetten.overheid.nl/BWBR0031617";

type Band = { fromPrincipal: number; rateBp: number };
type Scale = {
  validFrom: IsoDate;
  currency: "EUR";
  /** Each rate applies to the part of the principal from its band's start up to the next band's. */
  bands: readonly Band[];
  minimum: number;
  maximum: number;
  source: Source;
};

const SCALES: readonly Scale[] = [
  {
    validFrom: "2012-07-01",
    currency: "EUR",
    bands: [
      { fromPrincipal: 0, rateBp: 1500 },
      { fromPrincipal: 250_000, rateBp: 1000 },
      { fromPrincipal: 500_000, rateBp: 500 },
      { fromPrincipal: 1_000_000, rateBp: 100 },
      { fromPrincipal: 20_000_000, rateBp: 50 },
    ],
    minimum: 4_000,
    maximum: 677_500,
    source: {
      law: "Besluit vergoeding voor buitengerechtelijke incassokosten art. 2: 15 % of the first EUR 2,500, 10 % of the next 2,500, 5 % of the next 5,000, 1 % of the next 190,000, 0.5 % above; at least EUR 40, at most EUR 6,775",
      url: BESLUIT,
      note: "Excluding VAT: a creditor that can deduct VAT charges none on these costs.",
    },
  },
];

/**
 * The collection costs a Dutch consumer owes on `principal` (minor units) if the veertiendagenbrief's
 * term runs out unpaid; null for a currency the scale does not name, since dun never converts.
 */
export function dutchCollectionCosts(principal: number, currency: string, on: IsoDate): number | null {
  const scale = SCALES.filter((candidate) => candidate.validFrom <= on).at(-1) ?? SCALES[0];
  if (!scale || currency !== scale.currency) return null;
  let costs = 0;
  scale.bands.forEach((band, index) => {
    const end = scale.bands[index + 1]?.fromPrincipal ?? Number.POSITIVE_INFINITY;
    const part = Math.min(principal, end) - band.fromPrincipal;
    if (part > 0) costs += (part * band.rateBp) / 10_000;
  });
  return Math.min(scale.maximum, Math.max(scale.minimum, Math.round(costs)));
}
