/** A dashboard's time range and variables, as Grafana hands them to the data source. */
export interface GrafanaQueryContext {
  readonly from: Date;
  readonly to: Date;
  readonly variables: Readonly<Record<string, string>>;
}

const day = (time: Date) => `toDate('${time.toISOString().slice(0, 10)}')`;
const seconds = (time: Date) => `toDateTime(${Math.floor(time.getTime() / 1000)})`;
const milliseconds = (time: Date) => `fromUnixTimestamp64Milli(${time.getTime()})`;

type Macro = (args: string[], context: GrafanaQueryContext) => string;

const range =
  (bound: (time: Date) => string): Macro =>
  ([column], { from, to }) =>
    `${column} >= ${bound(from)} AND ${column} <= ${bound(to)}`;

/** The macros of grafana-clickhouse-datasource (pkg/macros), expanded the way the plugin does. */
const macros: Record<string, Macro> = {
  fromTime: (_, { from }) => seconds(from),
  toTime: (_, { to }) => seconds(to),
  fromTime_ms: (_, { from }) => milliseconds(from),
  toTime_ms: (_, { to }) => milliseconds(to),
  timeFilter: range(seconds),
  timeFilter_ms: range(milliseconds),
  dateFilter: range(day),
};

/** The arguments of a macro call starting at `open` (a "("), split at top-level commas; and where it ends. */
function callArguments(sql: string, open: number): { args: string[]; end: number } {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let at = open; at < sql.length; at++) {
    const character = sql[at];
    if (character === "(") depth++;
    else if (character === ")" && --depth === 0) {
      args.push(sql.slice(start, at).trim());
      return { args: args.filter((arg) => arg !== ""), end: at + 1 };
    } else if (character === "," && depth === 1) {
      args.push(sql.slice(start, at).trim());
      start = at + 1;
    }
  }
  throw new Error(`unclosed macro call at ${sql.slice(open - 20, open + 20)}`);
}

/**
 * The SQL a panel sends to ClickHouse: Grafana's variables (`${name}`) substituted first, then the
 * plugin's `$__macro` and `$__macro(args)` calls expanded. An unknown macro or variable is an error.
 */
export function expandGrafanaSql(sql: string, context: GrafanaQueryContext): string {
  const substituted = sql.replace(/\$\{(\w+)\}/g, (_, name: string) => {
    const value = context.variables[name];
    if (value === undefined) throw new Error(`no value for the dashboard variable \${${name}}`);
    return value;
  });
  let expanded = "";
  let rest = substituted;
  for (let match = /\$__(\w+)/.exec(rest); match; match = /\$__(\w+)/.exec(rest)) {
    const name = match[1] as string;
    const macro = macros[name];
    if (!macro) throw new Error(`the ClickHouse plugin has no macro $__${name}`);
    const after = match.index + match[0].length;
    const call = rest[after] === "(" ? callArguments(rest, after) : { args: [], end: after };
    expanded += rest.slice(0, match.index) + macro(call.args, context);
    rest = rest.slice(call.end);
  }
  return expanded + rest;
}
