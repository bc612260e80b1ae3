/**
 * Plain-text tables and the few formats the CLI's human output shares: columns padded to their
 * widest cell, amounts right-aligned so their decimal points line up, instants in UTC.
 */

export type Column = { header: string; align?: "left" | "right" };

/** Width as a terminal shows it, near enough: code points, not UTF-16 units ("Ø" and "😀" are one each). */
const widthOf = (text: string) => [...text].length;

export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, index) =>
    Math.max(widthOf(column.header), ...rows.map((row) => widthOf(row[index] ?? ""))),
  );
  const line = (cells: readonly string[]) =>
    columns
      .map((column, index) => {
        const cell = cells[index] ?? "";
        const pad = " ".repeat((widths[index] ?? 0) - widthOf(cell));
        return column.align === "right" ? pad + cell : cell + pad;
      })
      .join("  ")
      .trimEnd();
  return `${[line(columns.map((column) => column.header)), ...rows.map(line)].join("\n")}\n`;
}

/** An instant as `2026-11-20 10:00 UTC`: the API's instants are UTC, and so is what the CLI shows. */
export function formatInstant(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A decimal string with its thousands spaced, as the API's amounts read in most of dun's countries: 12 500.00. */
export function formatAmount(decimal: string): string {
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(decimal);
  if (!match) return decimal;
  const [, sign = "", whole = "", fraction = ""] = match;
  return `${sign}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, " ")}${fraction}`;
}
