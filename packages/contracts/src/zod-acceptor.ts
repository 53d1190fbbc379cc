import type { z } from "zod";

/** Says whether a value is certainly valid; `false` means "ask zod" (it may still be valid). */
export type Acceptor = (value: unknown) => boolean;

/** The parts of zod v4's internals the walk reads (`schema._zod`); stable across v4 releases. */
interface Internals {
  readonly def: {
    readonly type: string;
    readonly coerce?: boolean;
    readonly checks?: readonly { readonly _zod: CheckInternals }[];
    readonly shape?: Record<string, z.ZodType>;
    readonly innerType?: z.ZodType;
    readonly element?: z.ZodType;
    readonly keyType?: z.ZodType;
    readonly valueType?: z.ZodType;
  };
  parse(payload: Payload, context: object): unknown;
}

interface CheckInternals {
  readonly def: { readonly when?: (payload: Payload) => boolean };
  check(payload: Payload): unknown;
}

interface Payload {
  value: unknown;
  issues: unknown[];
}

const internals = (schema: z.ZodType) => (schema as unknown as { _zod: Internals })._zod;

/** Kinds whose own parse is a type test only (no coercion in our schemas: a coercing one is left to zod). */
const leafKinds = new Set(["string", "number", "boolean", "enum", "literal"]);

/** What the generated code refers to: zod's own parsers and checks, by index. */
interface Parts {
  readonly parsers: Internals[];
  readonly checks: CheckInternals[];
}

/**
 * A fast path in front of a zod schema: accepts a value only when every rule zod would apply holds,
 * by running zod's own type tests and checks (refinements included) on one reused payload, in a
 * function generated for the schema, without the issue objects, wrappers and parsed copy a full
 * parse builds per field. A value it does not accept goes to zod, which gives the verdict and the
 * reasons, so the rules stay in the schema alone, and a kind this walk does not know only costs
 * speed (that part is never accepted). zod generates code for its objects the same way; ours needs
 * no results, so every field's rules run inline. `npx tsx bench/validate-cpu.ts` measures it.
 */
export function zodAcceptor(schema: z.ZodType): Acceptor {
  const parts: Parts = { parsers: [], checks: [] };
  let names = 0;
  const fresh = (prefix: string) => `${prefix}${names++}`;
  const body = acceptCode(schema, "value", parts, fresh);
  // Each of zod's functions as a constant of the generated code, so that its calls can be inlined.
  const bound = [
    ...parts.parsers.map((_, index) => `const parse${index} = parsers[${index}].parse;`),
    ...parts.checks.map((check, index) =>
      [
        `const check${index} = checks[${index}].check;`,
        check.def.when === undefined ? "" : `const when${index} = checks[${index}].def.when;`,
      ].join(" "),
    ),
  ];
  const source = `
    ${bound.join("\n")}
    const payload = { value: undefined, issues: [] };
    const context = { async: false };
    const refuse = () => { payload.issues = []; return false; };
    const isPlain = (value) => {
      if (typeof value !== "object" || value === null) return false;
      const prototype = Object.getPrototypeOf(value);
      return prototype === Object.prototype || prototype === null;
    };
    return (value) => { ${body} return true; };`;
  return new Function("parsers", "checks", source)(parts.parsers, parts.checks) as Acceptor;
}

/** Statements that `return refuse()` unless the value in `variable` is certainly valid. */
function acceptCode(
  schema: z.ZodType,
  variable: string,
  parts: Parts,
  fresh: (prefix: string) => string,
): string {
  const zod = internals(schema);
  const { def } = zod;
  return kindCode(zod, variable, parts, fresh) + checksCode(def.checks ?? [], variable, parts);
}

function kindCode(zod: Internals, variable: string, parts: Parts, fresh: (prefix: string) => string): string {
  const { def } = zod;
  if (def.coerce) return "return refuse();";
  if (leafKinds.has(def.type)) {
    const parser = parts.parsers.push(zod) - 1;
    return `payload.value = ${variable};
      if (parse${parser}(payload, context) !== payload || payload.issues.length > 0) return refuse();`;
  }
  switch (def.type) {
    case "nullable":
      return `if (${variable} !== null) { ${acceptCode(def.innerType as z.ZodType, variable, parts, fresh)} }`;
    case "object": {
      // Any object, as zod tests it (Avro decodes records as instances of a class of their own).
      // Fields are read as zod reads them; only an object with checks of its own (refinements see
      // zod's parsed copy, which holds the declared keys alone) must hold exactly those, as its own.
      const shape = Object.entries(def.shape ?? {});
      const fields = shape.map(([key, field]) => {
        const local = fresh("field");
        return `{ const ${local} = ${variable}[${JSON.stringify(key)}];
          ${acceptCode(field, local, parts, fresh)} }`;
      });
      const onlyDeclaredKeys =
        (def.checks ?? []).length === 0
          ? ""
          : `
        if (Object.keys(${variable}).length !== ${shape.length}) return refuse();
        ${shape.map(([key]) => `if (!Object.hasOwn(${variable}, ${JSON.stringify(key)})) return refuse();`).join(" ")}`;
      return `if (typeof ${variable} !== "object" || ${variable} === null || Array.isArray(${variable})) return refuse();
        ${fields.join("\n")}${onlyDeclaredKeys}`;
    }
    case "array": {
      const item = fresh("item");
      return `if (!Array.isArray(${variable})) return refuse();
        for (const ${item} of ${variable}) { ${acceptCode(def.element as z.ZodType, item, parts, fresh)} }`;
    }
    case "record": {
      const key = fresh("key");
      const entry = fresh("entry");
      return `if (!isPlain(${variable}) || Object.getOwnPropertySymbols(${variable}).length > 0) return refuse();
        for (const ${key} in ${variable}) {
          if (!Object.hasOwn(${variable}, ${key})) return refuse();
          ${acceptCode(def.keyType as z.ZodType, key, parts, fresh)}
          const ${entry} = ${variable}[${key}];
          ${acceptCode(def.valueType as z.ZodType, entry, parts, fresh)}
        }`;
    }
    default:
      return "return refuse();";
  }
}

/** zod's checks of one schema, as zod runs them on a value whose type passed. */
function checksCode(
  checks: readonly { readonly _zod: CheckInternals }[],
  variable: string,
  parts: Parts,
): string {
  return checks
    .map(({ _zod: check }) => {
      const index = parts.checks.push(check) - 1;
      const run = `check${index}(payload); if (payload.issues.length > 0) return refuse();`;
      // A check with a condition runs when it holds, as in zod.
      const guarded = check.def.when === undefined ? run : `if (when${index}(payload)) { ${run} }`;
      return `payload.value = ${variable}; ${guarded}`;
    })
    .join("\n");
}
