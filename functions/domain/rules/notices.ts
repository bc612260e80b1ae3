/**
 * What each stage of the ladder must, may and must not say, by the debtor's country and customer
 * type, as dated data beside the country rules: which catalog messages an email of that stage
 * carries (paragraphs after its own, the notice box, a heading in place of its own) and which
 * values each needs. The renderer prints what this table names and decides nothing by country.
 *
 * A message that needs a value is left out when the email has none: a DK fee sentence on a
 * reminder that charged no fee, a veertiendagenbrief on an invoice whose costs cannot be stated
 * in euros, an interest sentence when no interest is claimed. Saying less is lawful; stating a
 * cost the law does not give is not.
 */
import * as z from "zod";
import type { IsoDate } from "#domain/calendar/iso-date.ts";
import { EU_MEMBER_STATES } from "#domain/locale/country.ts";
import { IsoDateSchema } from "#domain/text.ts";
import { type CustomerType, STAGES, type Stage } from "#domain/vocabulary.ts";
import { SourceSchema } from "./rule-schema.ts";

/**
 * Values a message may need beyond those every email has, each present only when the email
 * carries it: `rate` when interest is claimed, `stageFee` when this email charges a fee,
 * `compensation` when fixed recovery compensation is claimed, `collectionCosts` when the Dutch
 * scale gives an amount for the invoice's currency.
 */
export const NOTICE_VALUES = ["rate", "stageFee", "compensation", "collectionCosts"] as const;
export const NoticeValueSchema = z.enum(NOTICE_VALUES);
export type NoticeValue = z.infer<typeof NoticeValueSchema>;

export const NoticeMessageSchema = z.object({
  key: z.string().regex(/^(notice\.(?:[A-Z]{2}|EU)|final_notice|collection|common)\.[A-Za-z0-9_.]+$/),
  needs: z.array(NoticeValueSchema),
});
export type NoticeMessage = z.infer<typeof NoticeMessageSchema>;

export const StageNoticeSchema = z.object({
  /** Replaces the stage's own heading: the instrument's legal name where the law gives it one. */
  heading: NoticeMessageSchema.optional(),
  /** After the stage's own paragraphs. */
  paragraphs: z.array(NoticeMessageSchema),
  /** The box that sets the legal wording apart. */
  notice: z.array(NoticeMessageSchema),
});
export type StageNotice = z.infer<typeof StageNoticeSchema>;

const LadderNoticesSchema = z.object(
  Object.fromEntries(STAGES.map((stage) => [stage, StageNoticeSchema])) as {
    [S in Stage]: typeof StageNoticeSchema;
  },
);
export type LadderNotices = z.infer<typeof LadderNoticesSchema>;

export const NoticeVersionSchema = z.object({
  validFrom: IsoDateSchema,
  /** The law behind the wording, for the docs and for whoever updates it. */
  sources: z.array(SourceSchema).min(1),
  business: LadderNoticesSchema,
  consumer: LadderNoticesSchema,
});
export type NoticeVersion = z.infer<typeof NoticeVersionSchema>;

export const NoticeTableSchema = z.object({
  /** An ISO 3166-1 code, "EU" for member states without a table, or "default". */
  jurisdiction: z.union([z.string().regex(/^[A-Z]{2}$/), z.literal("default")]),
  name: z.string().min(1),
  versions: z
    .array(NoticeVersionSchema)
    .min(1)
    .refine(
      (versions) =>
        versions.every((version, i) => i === 0 || (versions[i - 1]?.validFrom ?? "") < version.validFrom),
      { message: "versions must be in strictly ascending validFrom order" },
    ),
});
export type NoticeTable = z.infer<typeof NoticeTableSchema>;

const say = (key: string, ...needs: NoticeValue[]): NoticeMessage => ({ key, needs });

/** The statutory interest sentence, for every country whose law needs no wording of its own. */
const INTEREST = say("common.interestNote", "rate");
/** What happens after the deadline, worded per audience (final_notice.consequence selects on it). */
const CONSEQUENCE = say("final_notice.consequence");
/** Recovery compensation between businesses where the Late Payment Directive's national law has no sentence here. */
const EU_COMPENSATION = say("notice.EU.business.costs", "compensation");

type Parts = {
  /** Paragraphs of every reminder (reminder_1, reminder_2 and the final notice). */
  reminders?: NoticeMessage[];
  finalNotice?: { heading?: NoticeMessage; paragraphs?: NoticeMessage[]; notice?: NoticeMessage[] };
};

/** One customer type's ladder: the reminders' paragraphs, the final notice's own additions. */
function ladder({ reminders = [INTEREST], finalNotice = {} }: Parts): LadderNotices {
  const quiet = (): StageNotice => ({ paragraphs: [], notice: [] });
  return {
    courtesy: quiet(),
    reminder_1: { paragraphs: reminders, notice: [] },
    reminder_2: { paragraphs: reminders, notice: [] },
    final_notice: {
      ...(finalNotice.heading ? { heading: finalNotice.heading } : {}),
      paragraphs: [...reminders, ...(finalNotice.paragraphs ?? [])],
      notice: finalNotice.notice ?? [CONSEQUENCE],
    },
    collection: quiet(),
  };
}

const NORWAY: NoticeTable = {
  jurisdiction: "NO",
  name: "Norway",
  versions: [
    {
      validFrom: "2017-04-01",
      sources: [
        {
          law: "inkassoloven § 9: a written inkassovarsel after the due date, with at least 14 days to pay from when it was sent; sent electronically on a secure channel (§ 3a, from 1 April 2017)",
          url: "https://lovdata.no/lov/1988-05-13-26/§9",
        },
        {
          law: "inkassoloven § 17, inkassoforskriften kap. 2: the debtor owes collection costs only up to the regulated rates",
          url: "https://lovdata.no/forskrift/1989-07-14-562",
        },
      ],
      ...byTypeBoth(
        ladder({
          finalNotice: {
            heading: say("notice.NO.inkassovarsel.heading"),
            notice: [say("notice.NO.inkassovarsel"), CONSEQUENCE],
          },
        }),
      ),
    },
  ],
};

const DK_FEE = say("notice.DK.rykkergebyr", "stageFee");
const DENMARK: NoticeTable = {
  jurisdiction: "DK",
  name: "Denmark",
  versions: [
    {
      validFrom: "2013-03-01",
      sources: [
        {
          law: "renteloven § 9 b: a rykkergebyr of at most DKK 100 for each rykker, at most three, at least 10 days apart",
          url: "https://www.retsinformation.dk/eli/lta/2014/459",
        },
        {
          law: "bekendtgørelse om inddrivelsesomkostninger: before collection a rykker with at least 10 days to pay that warns of collection",
          verify: true,
        },
      ],
      ...byTypeBoth(
        ladder({
          reminders: [DK_FEE, INTEREST],
          finalNotice: { notice: [say("notice.DK.inkassovarsel"), CONSEQUENCE] },
        }),
      ),
    },
  ],
};

const SWEDEN: NoticeTable = {
  jurisdiction: "SE",
  name: "Sweden",
  versions: [
    {
      validFrom: "2013-03-16",
      sources: [
        {
          law: "lag (1981:739) om ersättning för inkassokostnader m.m.: collection costs only up to the amounts set under it",
          url: "https://www.riksdagen.se/sv/dokument-och-lagar/dokument/svensk-forfattningssamling/lag-1981739-om-ersattning-for-inkassokostnader_sfs-1981-739/",
        },
      ],
      ...byTypeBoth(ladder({ finalNotice: { notice: [CONSEQUENCE, say("notice.SE.costs")] } })),
    },
  ],
};

const FINLAND: NoticeTable = {
  jurisdiction: "FI",
  name: "Finland",
  versions: [
    {
      validFrom: "2013-03-16",
      sources: [
        {
          law: "perintälaki 10 a §: the most a consumer may be charged for collection",
          url: "https://www.finlex.fi/fi/laki/ajantasa/1999/19990513",
        },
        { law: "perintälaki 10 e §: EUR 40 vakiokorvaus between businesses (Directive 2011/7/EU art. 6)" },
      ],
      business: ladder({ finalNotice: { notice: [CONSEQUENCE, EU_COMPENSATION] } }),
      consumer: ladder({ finalNotice: { notice: [CONSEQUENCE, say("notice.FI.consumer.costs")] } }),
    },
  ],
};

const GERMANY: NoticeTable = {
  jurisdiction: "DE",
  name: "Germany",
  versions: [
    {
      validFrom: "2014-07-29",
      sources: [
        {
          law: "§§ 280 Abs. 2, 286 BGB: a consumer in default owes the damage the delay caused (Verzugsschaden), such as necessary collection costs; § 13e RDG caps what a collector may charge",
          url: "https://www.gesetze-im-internet.de/bgb/__286.html",
        },
        {
          law: "§ 288 Abs. 5 BGB: EUR 40 Verzugspauschale where the debtor is not a consumer, set off against later costs of pursuing the claim",
          url: "https://www.gesetze-im-internet.de/bgb/__288.html",
        },
      ],
      business: ladder({
        finalNotice: { notice: [CONSEQUENCE, say("notice.DE.business.costs", "compensation")] },
      }),
      consumer: ladder({ finalNotice: { notice: [CONSEQUENCE, say("notice.DE.consumer.costs")] } }),
    },
  ],
};

const ITALY: NoticeTable = {
  jurisdiction: "IT",
  name: "Italy",
  versions: [
    {
      validFrom: "2013-01-01",
      sources: [
        {
          law: "art. 1219 c.c.: the costituzione in mora, a written demand to pay; it sets no minimum term and threatens no termination (that is the diffida ad adempiere of art. 1454 c.c., at least 15 days)",
        },
        {
          law: "D.Lgs. 231/2002 artt. 4–6: interest and EUR 40 in commercial transactions only",
          url: "https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:decreto.legislativo:2002-10-09;231",
        },
        { law: "artt. 1224, 1284 c.c.: a consumer owes the tasso legale from default" },
      ],
      business: ladder({
        reminders: [say("notice.IT.business.interest", "rate")],
        finalNotice: { notice: [say("notice.IT.mora"), CONSEQUENCE, EU_COMPENSATION] },
      }),
      consumer: ladder({
        reminders: [say("notice.IT.consumer.interest", "rate")],
        finalNotice: { notice: [say("notice.IT.mora"), CONSEQUENCE] },
      }),
    },
  ],
};

const RUSSIA: NoticeTable = {
  jurisdiction: "RU",
  name: "Russia",
  versions: [
    {
      validFrom: "2016-06-01",
      sources: [
        {
          law: "АПК РФ ст. 4 ч. 5: a dispute between businesses goes to the arbitrazh court only 30 calendar days after a претензия was sent",
          url: "https://www.consultant.ru/document/cons_doc_LAW_37800/",
        },
        {
          law: "ГК РФ ст. 395: interest at the Bank of Russia key rate on money withheld",
          url: "https://www.consultant.ru/document/cons_doc_LAW_9027/",
        },
      ],
      business: ladder({
        finalNotice: {
          heading: say("notice.RU.pretenziya.heading"),
          notice: [say("notice.RU.pretenziya"), CONSEQUENCE],
        },
      }),
      consumer: ladder({}),
    },
  ],
};

const UNITED_KINGDOM: NoticeTable = {
  jurisdiction: "GB",
  name: "United Kingdom",
  versions: [
    {
      validFrom: "2013-03-16",
      sources: [
        {
          law: "Late Payment of Commercial Debts (Interest) Act 1998 ss. 1, 5A: statutory interest and a fixed sum between businesses only",
          url: "https://www.legislation.gov.uk/ukpga/1998/20",
        },
      ],
      business: ladder({
        finalNotice: { notice: [CONSEQUENCE, say("notice.GB.business.costs", "compensation")] },
      }),
      consumer: ladder({}),
    },
  ],
};

const UNITED_STATES: NoticeTable = {
  jurisdiction: "US",
  name: "United States",
  versions: [
    {
      validFrom: "1978-03-20",
      sources: [
        {
          law: "FDCPA (15 U.S.C. § 1692 ff.) binds third-party collectors, not a creditor collecting its own debt; state law decides interest and costs, so dun claims none in words",
        },
      ],
      ...byTypeBoth(ladder({})),
    },
  ],
};

const NETHERLANDS: NoticeTable = {
  jurisdiction: "NL",
  name: "Netherlands",
  versions: [
    {
      validFrom: "2012-07-01",
      sources: [
        {
          law: "art. 6:96 lid 6 BW: a consumer owes collection costs only after a veertiendagenbrief: 14 days from the day after receipt, naming the costs that will be charged",
          url: "https://wetten.overheid.nl/BWBR0005289/#Boek6_Titeldeel1_Afdeling10_Artikel96",
        },
        {
          law: "HR 25 november 2016, ECLI:NL:HR:2016:2704: the term starts the day after the letter is received",
        },
        {
          law: "Besluit vergoeding voor buitengerechtelijke incassokosten art. 2: the scale (collectionCosts in countries/nl.ts)",
          url: "https://wetten.overheid.nl/BWBR0031617",
        },
      ],
      business: ladder({ finalNotice: { notice: [CONSEQUENCE, EU_COMPENSATION] } }),
      consumer: ladder({
        finalNotice: {
          heading: say("notice.NL.veertiendagenbrief.heading", "collectionCosts"),
          notice: [say("notice.NL.veertiendagenbrief", "collectionCosts"), CONSEQUENCE],
        },
      }),
    },
  ],
};

const FRANCE: NoticeTable = {
  jurisdiction: "FR",
  name: "France",
  versions: [
    {
      validFrom: "2014-03-19",
      sources: [
        {
          law: "art. 1344 Code civil: the mise en demeure",
          url: "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000032041441",
        },
        {
          law: "art. L111-8 CPCE: costs of recovery without an enforceable title stay with the creditor; any clause to the contrary is void",
          url: "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000028747701",
        },
        {
          law: "art. L441-10 Code de commerce: late-payment penalties and a EUR 40 indemnité forfaitaire between businesses",
          url: "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000038414277",
        },
      ],
      business: ladder({
        finalNotice: {
          notice: [
            say("notice.FR.miseEnDemeure"),
            CONSEQUENCE,
            say("notice.FR.business.costs", "compensation"),
          ],
        },
      }),
      consumer: ladder({
        finalNotice: {
          notice: [say("notice.FR.miseEnDemeure"), CONSEQUENCE, say("notice.FR.consumer.costs")],
        },
      }),
    },
  ],
};

const SPAIN: NoticeTable = {
  jurisdiction: "ES",
  name: "Spain",
  versions: [
    {
      validFrom: "2013-02-24",
      sources: [
        { law: "Ley 3/2004 art. 8: EUR 40 for recovery costs between businesses" },
        {
          law: "Código Civil art. 1100, 1108: a consumer owes the interés legal from the demand; no cost is claimed",
        },
      ],
      business: ladder({ finalNotice: { notice: [CONSEQUENCE, EU_COMPENSATION] } }),
      consumer: ladder({}),
    },
  ],
};

const POLAND: NoticeTable = {
  jurisdiction: "PL",
  name: "Poland",
  versions: [
    {
      validFrom: "2020-01-01",
      sources: [
        {
          law: "art. 187 § 1 pkt 3 KPC: a claim states whether the parties tried to settle; the przedsądowe wezwanie do zapłaty shows it",
        },
        {
          law: "ustawa z dnia 8 marca 2013 r. o przeciwdziałaniu nadmiernym opóźnieniom w transakcjach handlowych art. 10: rekompensata between businesses",
        },
      ],
      business: ladder({
        finalNotice: { notice: [say("notice.PL.wezwanie"), CONSEQUENCE, EU_COMPENSATION] },
      }),
      consumer: ladder({ finalNotice: { notice: [say("notice.PL.wezwanie"), CONSEQUENCE] } }),
    },
  ],
};

const EU_DEFAULT: NoticeTable = {
  jurisdiction: "EU",
  name: "EU default (Directive 2011/7/EU)",
  versions: [
    {
      validFrom: "2013-03-16",
      sources: [
        {
          law: "Directive 2011/7/EU art. 6: at least EUR 40 for recovery costs between businesses; consumers are outside it",
          url: "https://eur-lex.europa.eu/eli/dir/2011/7/oj",
        },
      ],
      business: ladder({ finalNotice: { notice: [CONSEQUENCE, EU_COMPENSATION] } }),
      consumer: ladder({}),
    },
  ],
};

const DEFAULT_NOTICES: NoticeTable = {
  jurisdiction: "default",
  name: "Default (no country table)",
  versions: [
    {
      validFrom: "1970-01-01",
      sources: [
        {
          law: "dun's conservative default: state the hand-over, claim no cost the law has not been shown to give",
        },
      ],
      ...byTypeBoth(ladder({})),
    },
  ],
};

function byTypeBoth(notices: LadderNotices): { business: LadderNotices; consumer: LadderNotices } {
  return { business: notices, consumer: notices };
}

/** The countries with wording of their own, keyed by ISO 3166-1 code. */
export const NOTICE_TABLES: ReadonlyMap<string, NoticeTable> = new Map(
  [
    NORWAY,
    DENMARK,
    SWEDEN,
    FINLAND,
    GERMANY,
    ITALY,
    RUSSIA,
    UNITED_KINGDOM,
    UNITED_STATES,
    NETHERLANDS,
    FRANCE,
    SPAIN,
    POLAND,
  ].map((table) => [table.jurisdiction, table] as const),
);

/** Every table, own and fallback, for tests and the docs. */
export const ALL_NOTICE_TABLES: readonly NoticeTable[] = [
  ...NOTICE_TABLES.values(),
  EU_DEFAULT,
  DEFAULT_NOTICES,
];

/** The table for a debtor in `country`: its own, else the EU default for member states, else the default. */
export function noticeTableFor(country: string): NoticeTable {
  const code = country.trim().toUpperCase();
  return NOTICE_TABLES.get(code) ?? (EU_MEMBER_STATES.has(code) ? EU_DEFAULT : DEFAULT_NOTICES);
}

/**
 * What an email of `stage` says to a debtor of `customerType` in `country`, on `on`. Before a
 * table's first version the first answers, as with the country rules.
 */
export function noticesFor(
  country: string,
  customerType: CustomerType,
  stage: Stage,
  on: IsoDate,
): StageNotice {
  const { versions } = noticeTableFor(country);
  const version = versions.filter((candidate) => candidate.validFrom <= on).at(-1) ?? versions[0];
  if (!version) throw new Error(`the notice table for ${country} has no versions`);
  return version[customerType][stage];
}
