/** What a panel binds where a pack query has a parameter other than the period (e.g. `limit`). */
export type PanelParams = Readonly<Record<string, number>>;

/** `X BETWEEN {from:Date} AND {to:Date}`, X a column or a call on one (`toDate(o.decided_at)`). */
/** Grafana substitutes the dashboard's `database` variable here. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${variable} syntax, not a template
const databaseVariable = "${database}";

const periodFilter = /([\w.]+(?:\([\w.]+\))?) BETWEEN \{from:Date\} AND \{to:Date\}/g;

/**
 * A pack query as the ClickHouse data source plugin runs it: the period becomes the dashboard's
 * time range through the plugin's macros ($__dateFilter, $__fromTime, $__toTime), the database a
 * dashboard variable, and other parameters the panel's fixed values. A parameter left unbound
 * is an error, so no panel can ship SQL the plugin cannot run.
 */
export function grafanaSql(packSql: string, params: PanelParams = {}): string {
  const sql = packSql
    .replaceAll("{{database}}", databaseVariable)
    .replace(periodFilter, "$$__dateFilter($1)")
    .replaceAll("{from:Date}", "toDate($__fromTime)")
    .replaceAll("{to:Date}", "toDate($__toTime)")
    .replace(/\{(\w+):[\w()]+\}/g, (placeholder, name: string) => {
      const value = params[name];
      if (value === undefined) throw new Error(`the panel binds no value for ${placeholder}`);
      return String(value);
    });
  return sql
    .split("\n")
    .filter((line) => !line.startsWith("--"))
    .join("\n")
    .trim();
}
