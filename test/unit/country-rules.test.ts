import { describe, expect, it } from "vitest";
import { ALL_TABLES, COUNTRY_TABLES, RULE_NAMES, rulesFor, tableFor } from "#domain/rules/country-rules.ts";
import { finalNoticeDeadline } from "#domain/rules/deadlines.ts";
import { fixedCompensation, statutoryRateOn } from "#domain/rules/interest.ts";
import { JurisdictionTableSchema } from "#domain/rules/rule-schema.ts";
import type { CustomerType } from "#domain/vocabulary.ts";

const TODAY = "2026-11-23";

/** The statutory rate a debt due the day before bears on `on`, in basis points. */
function rateOn(country: string, customerType: CustomerType, on: string): number | null {
  return statutoryRateOn({ country, customerType, dueDate: "2025-01-01", on });
}

function compensation(country: string, currency: string, on = TODAY, principal = 100_000) {
  return fixedCompensation({
    country,
    customerType: "business",
    currency,
    principal,
    on,
    reminderFeesCharged: 0,
  });
}

describe("the rule tables", () => {
  it.each(ALL_TABLES.map((table) => [table.jurisdiction, table] as const))(
    "%s parses: every value has a source, versions and rates run forward in time",
    (_, table) => {
      // Prepare, Act
      const parsed = JurisdictionTableSchema.safeParse(table);

      // Assess
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    },
  );

  it("has its own table for NO DK SE FI DE IT RU GB US NL FR", () => {
    expect([...COUNTRY_TABLES.keys()].sort()).toEqual([
      "DE",
      "DK",
      "FI",
      "FR",
      "GB",
      "IT",
      "NL",
      "NO",
      "RU",
      "SE",
      "US",
    ]);
  });

  it("has a rate on or after 1 July 2026 in every reference table, so a stale table fails the build", () => {
    const tables = new Map(
      ALL_TABLES.flatMap((table) =>
        table.versions.flatMap((version) =>
          Object.values(version.rules).flatMap((rule) =>
            [rule.business.value, rule.consumer.value].flatMap((value) =>
              value !== null && typeof value === "object" && "reference" in value ? [value.reference] : [],
            ),
          ),
        ),
      ).map((reference) => [reference.name, reference] as const),
    );

    expect(tables.size).toBeGreaterThanOrEqual(10);
    for (const [name, reference] of tables) {
      expect(reference.entries.at(-1)?.validFrom, name).toMatch(
        /^2026-(0[7-9]|1[0-2])-\d\d$|^20(2[7-9]|[3-9]\d)-/,
      );
    }
  });

  it("answers every rule for both customer types, wherever the debtor is", () => {
    for (const country of ["NO", "FR", "PL", "JP"]) {
      const rules = rulesFor(country, TODAY);
      for (const type of ["business", "consumer"] as const) {
        expect(Object.keys(rules[type]).sort()).toEqual([...RULE_NAMES].sort());
      }
    }
  });
});

describe("Norway", () => {
  const no = rulesFor("NO", TODAY);

  it("caps a reminder fee at NOK 35, 1/20 of the inkassosats (inkassoforskriften § 1-2)", () => {
    expect(no.consumer.maxReminderFee.value).toEqual({ amount: 3500, currency: "NOK" });
    expect(no.business.maxReminderFee.value).toEqual({ amount: 3500, currency: "NOK" });
    expect(no.business.maxReminderFee.source.law).toContain("inkassoforskriften § 1-2");
  });

  it("charges a fee only for a reminder sent 14 days after the due date (inkassoforskriften § 1-2)", () => {
    expect(no.consumer.reminderFeeNotBeforeDaysAfterDue.value).toBe(14);
  });

  it("allows fees for at most two reminders, 14 days apart (inkassoforskriften § 1-3)", () => {
    expect(no.consumer.maxFeeBearingReminders.value).toBe(2);
    expect(no.consumer.minDaysBetweenReminders.value).toEqual({ days: 14, between: "feeBearingReminders" });
  });

  it("requires an inkassovarsel giving 14 days before collection (inkassoloven § 9)", () => {
    expect(no.business.finalNoticeDeadlineDays.value).toBe(14);
    expect(no.business.finalNoticeDeadlineDays.source.law).toContain("inkassoloven § 9");
  });

  it("charges Norges Bank's policy rate + 8 pp, set each half-year (forsinkelsesrenteloven § 3)", () => {
    expect(no.consumer.statutoryInterest.value?.marginBp).toBe(800);
    expect(rateOn("NO", "consumer", "2025-03-01")).toBe(1250);
    expect(rateOn("NO", "consumer", "2025-09-01")).toBe(1225);
    expect(rateOn("NO", "consumer", "2026-03-01")).toBe(1200);
  });

  it("gives businesses a standard compensation of NOK 470 in 2025 and NOK 460 from 2026 (forsinkelsesrenteloven § 3a)", () => {
    expect(compensation("NO", "NOK", "2025-12-31")?.amount).toBe(47000);
    expect(compensation("NO", "NOK", "2026-01-01")?.amount).toBe(46000);
    expect(no.consumer.fixedCompensation.value).toBeNull();
  });
});

describe("Denmark", () => {
  const dk = rulesFor("DK", TODAY);

  it("caps a rykkergebyr at DKK 100, for at most 3 rykkere sent 10 days apart (renteloven § 9 b stk. 2)", () => {
    expect(dk.consumer.maxReminderFee.value).toEqual({ amount: 10000, currency: "DKK" });
    expect(dk.consumer.maxFeeBearingReminders.value).toBe(3);
    expect(dk.consumer.minDaysBetweenReminders.value).toEqual({ days: 10, between: "feeBearingReminders" });
    expect(dk.consumer.maxReminderFee.source.law).toContain("§ 9 b stk. 2");
  });

  it("charges Nationalbanken's lending rate + 8 pp on a 365-day year (renteloven § 5)", () => {
    expect(dk.business.statutoryInterest.value).toMatchObject({ marginBp: 800, dayBasis: 365 });
    expect(rateOn("DK", "business", "2026-03-01")).toBe(975);
  });

  it("gives businesses DKK 310 on top of reminder fees (renteloven § 9 a stk. 3)", () => {
    expect(compensation("DK", "DKK")?.amount).toBe(31000);
    expect(dk.business.fixedCompensation.value?.deductsReminderFees).toBe(false);
    expect(dk.consumer.fixedCompensation.value).toBeNull();
  });
});

describe("Sweden", () => {
  const se = rulesFor("SE", TODAY);

  it("allows a SEK 60 reminder fee only if agreed when the debt arose (lag 1981:739 2 § and 4 §)", () => {
    expect(se.consumer.maxReminderFee.value).toEqual({ amount: 6000, currency: "SEK" });
    expect(se.consumer.reminderFeeRequiresAgreement.value).toBe(true);
    expect(se.consumer.reminderFeeRequiresAgreement.source.law).toContain("2 §");
  });

  it("charges the referensränta + 8 pp (räntelag 6 §)", () => {
    expect(se.business.statutoryInterest.value?.marginBp).toBe(800);
    expect(rateOn("SE", "business", "2026-03-01")).toBe(1000);
  });

  it("gives businesses a förseningsersättning of SEK 450 (lag 1981:739 4 a §)", () => {
    expect(compensation("SE", "SEK")?.amount).toBe(45000);
  });
});

describe("Finland", () => {
  const fi = rulesFor("FI", TODAY);

  it("caps a consumer reminder at EUR 5, sent 14 days after the due date (perintälaki 10 a §)", () => {
    expect(fi.consumer.maxReminderFee.value).toEqual({ amount: 500, currency: "EUR" });
    expect(fi.consumer.reminderFeeNotBeforeDaysAfterDue.value).toBe(14);
  });

  it("caps a business reminder at EUR 12, 10 days after the previous one (perintälaki 10 e §)", () => {
    expect(fi.business.maxReminderFee.value).toEqual({ amount: 1200, currency: "EUR" });
    expect(fi.business.minDaysBetweenReminders.value).toEqual({ days: 10, between: "feeBearingReminders" });
  });

  it("charges the viitekorko + 7 pp, + 8 pp between businesses (korkolaki 4 §, 4 a §, 12 §)", () => {
    expect(rateOn("FI", "consumer", "2026-03-01")).toBe(950);
    expect(rateOn("FI", "business", "2026-03-01")).toBe(1050);
    expect(rateOn("FI", "business", "2025-03-01")).toBe(1150);
  });

  it("gives businesses EUR 40 (perintälaki, vakiokorvaus)", () => {
    expect(compensation("FI", "EUR")?.amount).toBe(4000);
  });
});

describe("Germany", () => {
  const de = rulesFor("DE", TODAY);

  it("sets no reminder fee amount: only actual costs after default (§§ 280, 286 BGB)", () => {
    expect(de.consumer.maxReminderFee.value).toBeNull();
    expect(de.consumer.maxReminderFee.source.law).toContain("286 BGB");
  });

  it("charges the Basiszinssatz + 5 pp to consumers and + 9 pp to businesses (§ 288 Abs. 1 and 2 BGB)", () => {
    expect(rateOn("DE", "consumer", "2026-03-01")).toBe(627);
    expect(rateOn("DE", "business", "2026-03-01")).toBe(1027);
    expect(rateOn("DE", "business", "2025-03-01")).toBe(1127);
  });

  it("charges no fee on the first reminder, and a consumer's interest only from default after it (§ 286 BGB)", () => {
    expect(de.consumer.noFeeOnFirstReminder.value).toBe(true);
    expect(de.business.noFeeOnFirstReminder.value).toBe(true);
    expect(de.consumer.interestFrom.value).toBe("dayAfterFirstReminder");
    expect(de.business.interestFrom.value).toBe("dayAfterDue");
  });

  it("gives businesses EUR 40 (§ 288 Abs. 5 BGB)", () => {
    expect(compensation("DE", "EUR")?.amount).toBe(4000);
  });
});

describe("Italy", () => {
  const it_ = rulesFor("IT", TODAY);

  it("charges businesses the ECB rate + 8 pp: 10.15 % in H2 2025 and H1 2026 (D.Lgs. 231/2002 art. 5)", () => {
    expect(rateOn("IT", "business", "2025-03-01")).toBe(1115);
    expect(rateOn("IT", "business", "2025-09-01")).toBe(1015);
    expect(rateOn("IT", "business", "2026-03-01")).toBe(1015);
  });

  it("charges consumers the legal rate, not D.Lgs. 231/2002: 1.6 % through 2026 (art. 1284 c.c.)", () => {
    expect(rateOn("IT", "consumer", "2025-06-01")).toBe(200);
    expect(rateOn("IT", "consumer", "2026-06-01")).toBe(160);
    expect(rateOn("IT", "consumer", "2026-12-04")).toBe(160);
    expect(it_.consumer.statutoryInterest.source.law).not.toContain("231/2002");
  });

  it("gives businesses EUR 40 and sets no reminder fee (D.Lgs. 231/2002 art. 6)", () => {
    expect(compensation("IT", "EUR")?.amount).toBe(4000);
    expect(it_.business.maxReminderFee.value).toBeNull();
  });
});

describe("Russia", () => {
  const ru = rulesFor("RU", TODAY);

  it("charges the key rate of each period, split at every change, on actual days (Civil Code art. 395)", () => {
    expect(ru.business.statutoryInterest.value).toMatchObject({
      marginBp: 0,
      dayBasis: "actual",
      fixing: "perPeriod",
    });
    expect(rateOn("RU", "business", "2025-12-21")).toBe(1650);
    expect(rateOn("RU", "business", "2025-12-22")).toBe(1600);
    expect(rateOn("RU", "business", "2026-02-16")).toBe(1550);
  });

  it("gives a business's претензия 30 days from sending before the hand-over (АПК РФ ст. 4 ч. 5)", () => {
    expect(ru.business.finalNoticeDeadlineDays.value).toBe(30);
    expect(ru.business.finalNoticeDeadlineCounting.value).toBe("fromSending");
    expect(ru.consumer.finalNoticeDeadlineDays.value).toBeNull();
  });

  it("contacts consumers only 08–22 on working days and 09–20 on weekends (230-FZ art. 7)", () => {
    expect(ru.consumer.contactHours.value).toEqual({
      weekdays: { start: "08:00", end: "22:00" },
      weekends: { start: "09:00", end: "20:00" },
    });
    expect(ru.consumer.contactHours.source.law).toContain("230-FZ");
    expect(ru.business.contactHours.value).toBeNull();
  });

  it("has no reminder fee and no flat compensation", () => {
    expect(ru.consumer.maxReminderFee.value).toBeNull();
    expect(compensation("RU", "RUB")).toBeNull();
  });
});

describe("United Kingdom", () => {
  const gb = rulesFor("GB", TODAY);

  it("charges businesses Bank Rate + 8 pp, fixed when interest starts (Late Payment Act 1998 s. 6)", () => {
    expect(gb.business.statutoryInterest.value).toMatchObject({ marginBp: 800, fixing: "fixedAtStart" });
    expect(
      statutoryRateOn({ country: "GB", customerType: "business", dueDate: "2025-12-15", on: "2026-03-01" }),
    ).toBe(1225);
    expect(
      statutoryRateOn({ country: "GB", customerType: "business", dueDate: "2026-01-15", on: "2026-03-01" }),
    ).toBe(1175);
  });

  it("gives consumers no statutory interest (the Act covers businesses only)", () => {
    expect(gb.consumer.statutoryInterest.value).toBeNull();
  });

  it("gives GBP 40 / 70 / 100 by the size of the debt (Late Payment Act s. 5A)", () => {
    expect(compensation("GB", "GBP", TODAY, 99_999)?.amount).toBe(4000);
    expect(compensation("GB", "GBP", TODAY, 100_000)?.amount).toBe(7000);
    expect(compensation("GB", "GBP", TODAY, 999_999)?.amount).toBe(7000);
    expect(compensation("GB", "GBP", TODAY, 1_000_000)?.amount).toBe(10000);
  });
});

describe("the fixed B2B compensation", () => {
  it.each([
    ["DE", "EUR", 4000],
    ["IT", "EUR", 4000],
    ["FR", "EUR", 4000],
    ["ES", "EUR", 4000],
    ["NL", "EUR", 4000],
    ["FI", "EUR", 4000],
    ["DK", "DKK", 31000],
    ["NO", "NOK", 46000],
    ["SE", "SEK", 45000],
    ["GB", "GBP", 4000],
  ] as const)(
    "is present and current in %s: %s %i minor units on 4 December 2026",
    (country, currency, amount) => {
      expect(compensation(country, currency, "2026-12-04", 50_000)?.amount).toBe(amount);
    },
  );
});

describe("United States", () => {
  const us = rulesFor("US", TODAY);

  it("claims no interest and no compensation: that is state law", () => {
    expect(us.business.statutoryInterest.value).toBeNull();
    expect(compensation("US", "USD")).toBeNull();
  });

  it("contacts consumers only 08–21 (FDCPA § 805(a)(1))", () => {
    expect(us.consumer.contactHours.value?.weekdays).toEqual({ start: "08:00", end: "21:00" });
  });
});

describe("the EU default (Directive 2011/7/EU)", () => {
  it("governs a member state without its own table, and says so", () => {
    expect(rulesFor("AT", TODAY).jurisdiction).toBe("EU");
    expect(rulesFor("es", TODAY).country).toBe("ES");
  });

  it("charges businesses in the euro area the ECB rate + 8 pp (art. 2(6), 3), consumers nothing", () => {
    expect(rateOn("ES", "business", "2026-03-01")).toBe(1015);
    expect(rateOn("ES", "consumer", "2026-03-01")).toBeNull();
  });

  it("gives businesses EUR 40 (art. 6), in Spain too", () => {
    expect(compensation("ES", "EUR")?.amount).toBe(4000);
  });

  it("claims no interest outside the euro area, where the national bank's rate applies (art. 2(7)(b))", () => {
    expect(rulesFor("PL", TODAY).jurisdiction).toBe("EU-non-euro");
    expect(rateOn("PL", "business", "2026-03-01")).toBeNull();
  });

  it("moves Bulgaria into the euro area on 1 January 2026", () => {
    expect(tableFor("BG", "2025-12-31").jurisdiction).toBe("EU-non-euro");
    expect(tableFor("BG", "2026-01-01").jurisdiction).toBe("EU");
  });
});

describe("the Netherlands", () => {
  const nl = rulesFor("NL", TODAY);

  it("charges a consumer no reminder fee: collection costs only after the veertiendagenbrief (art. 6:96 lid 6 BW)", () => {
    expect(nl.consumer.maxReminderFee.value).toEqual({ amount: 0, currency: "EUR" });
    expect(nl.consumer.maxFeeBearingReminders.value).toBe(0);
    expect(nl.consumer.maxReminderFee.source.law).toContain("6:96 lid 6");
  });

  it("gives a consumer's final notice 14 days beginning the day after receipt, and none for a business (art. 6:96 lid 6 BW)", () => {
    expect(nl.consumer.finalNoticeDeadlineDays.value).toBe(14);
    expect(nl.consumer.finalNoticeDeadlineCounting.value).toBe("fromDayAfterReceipt");
    expect(nl.business.finalNoticeDeadlineDays.value).toBeNull();
  });

  it("states the BIK staffel as the consumer's collection costs (Besluit vergoeding buitengerechtelijke incassokosten art. 2)", () => {
    expect(nl.consumer.collectionCosts.value).toMatchObject({ minimum: 4000, maximum: 677_500 });
    expect(nl.consumer.collectionCosts.value?.bands[0]).toEqual({ upTo: 250_000, rateBp: 1500 });
  });

  it("charges a business the wettelijke handelsrente, ECB + 8 pp (art. 6:119a BW), and EUR 40 (art. 6:96 lid 4 BW)", () => {
    expect(rateOn("NL", "business", "2026-03-01")).toBe(1015);
    expect(compensation("NL", "EUR")?.amount).toBe(4000);
  });

  it("claims no consumer interest while the wettelijke rente after 2024 is unconfirmed", () => {
    expect(nl.consumer.statutoryInterest.value).toBeNull();
    expect(nl.consumer.statutoryInterest.source.verify).toBe(true);
  });
});

describe("France", () => {
  const fr = rulesFor("FR", TODAY);

  it("charges no reminder fee to anyone (CPCE art. L111-8; code de commerce art. L441-10)", () => {
    for (const type of ["business", "consumer"] as const) {
      expect(fr[type].maxReminderFee.value).toEqual({ amount: 0, currency: "EUR" });
      expect(fr[type].maxFeeBearingReminders.value).toBe(0);
    }
    expect(fr.consumer.maxReminderFee.source.law).toContain("L111-8");
  });

  it("charges a business the ECB rate + 10 points (art. L441-10) and the EUR 40 indemnité forfaitaire (art. D441-5)", () => {
    expect(rateOn("FR", "business", "2026-03-01")).toBe(1215);
    expect(compensation("FR", "EUR")?.amount).toBe(4000);
  });

  it("charges a consumer the taux légal, from the mise en demeure (code civil art. 1231-6)", () => {
    expect(rateOn("FR", "consumer", "2025-09-01")).toBe(276);
    expect(rateOn("FR", "consumer", "2026-03-01")).toBe(262);
    expect(fr.consumer.interestFrom.value).toBe("dayAfterFirstReminder");
    expect(fr.business.interestFrom.value).toBe("dayAfterDue");
  });
});

describe("the conservative default", () => {
  const jp = rulesFor("JP", TODAY);

  it("answers for any other country, and says so", () => {
    expect(jp.jurisdiction).toBe("default");
    expect(jp.currency).toBeNull();
  });

  it("claims no interest and no compensation, caps nothing, and charges fees only after the due date", () => {
    for (const type of ["business", "consumer"] as const) {
      expect(jp[type].statutoryInterest.value).toBeNull();
      expect(jp[type].fixedCompensation.value).toBeNull();
      expect(jp[type].maxReminderFee.value).toBeNull();
      expect(jp[type].reminderFeeNotBeforeDaysAfterDue.value).toBe(1);
      expect(jp[type].statutoryInterest.source.law).toContain("conservative default");
    }
  });
});

describe("effective dates", () => {
  it("switches to a new version on its validFrom, not a day earlier", () => {
    expect(rulesFor("NO", "2025-12-31").validFrom).toBe("2025-01-01");
    expect(rulesFor("NO", "2026-01-01").validFrom).toBe("2026-01-01");
  });

  it("answers a date before the first version with the first version, whose validFrom shows it", () => {
    const early = rulesFor("NO", "2020-06-01");
    expect(early.validFrom).toBe("2025-01-01");
    expect(early.consumer.maxReminderFee.value).toEqual({ amount: 3500, currency: "NOK" });
  });

  it("knows no rate before a reference table's first entry", () => {
    expect(
      statutoryRateOn({ country: "NO", customerType: "business", dueDate: "2024-06-01", on: "2024-07-01" }),
    ).toBeNull();
  });

  it("marks every unconfirmed number for verification", () => {
    const unconfirmed = ALL_TABLES.flatMap((table) =>
      table.versions.flatMap((version) =>
        Object.values(version.rules).flatMap((rule) => [rule.business.source, rule.consumer.source]),
      ),
    ).filter((source) => source.verify);
    expect(unconfirmed.length).toBeGreaterThan(0);
    for (const source of unconfirmed) expect(source.law.length).toBeGreaterThan(0);
  });
});

describe("finalNoticeDeadline", () => {
  it("counts the Norwegian inkassovarsel's 14 days from sending (inkassoloven § 9)", () => {
    expect(
      finalNoticeDeadline({
        country: "NO",
        customerType: "consumer",
        sendDate: "2026-11-02",
        policyDays: 10,
      }),
    ).toMatchObject({ deadline: "2026-11-16", days: 14, counting: "fromSending" });
  });

  it("counts the Dutch veertiendagenbrief's 14 days from the day after receipt, presumed the day after sending (art. 6:96 lid 6 BW)", () => {
    expect(
      finalNoticeDeadline({
        country: "NL",
        customerType: "consumer",
        sendDate: "2026-11-02",
        policyDays: 10,
      }),
    ).toMatchObject({ deadline: "2026-11-17", days: 14, counting: "fromDayAfterReceipt" });
  });

  it("gives a Russian business's претензия 30 days, and keeps a tenant's longer period anywhere", () => {
    expect(
      finalNoticeDeadline({ country: "RU", customerType: "business", sendDate: "2026-11-02", policyDays: 14 })
        ?.deadline,
    ).toBe("2026-12-02");
    expect(
      finalNoticeDeadline({ country: "DE", customerType: "consumer", sendDate: "2026-11-02", policyDays: 21 })
        ?.deadline,
    ).toBe("2026-11-23");
    expect(
      finalNoticeDeadline({
        country: "DE",
        customerType: "consumer",
        sendDate: "2026-11-02",
        policyDays: undefined,
      }),
    ).toBeUndefined();
  });
});
