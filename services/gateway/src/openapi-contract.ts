import { readFileSync } from "node:fs";
import { normalisePhone } from "@cx/channel-adapters";
import { maxFutureSkewMs } from "@cx/contracts";
import type { ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "yaml";
import { jsonDepthExceeds } from "./json-depth";

/**
 * The gateway's OpenAPI document as a judge of payloads, for the contract test: JSON Schema by Ajv,
 * plus the formats and keywords the document defines in its description.
 */
export const openApiDocument = parse(readFileSync(new URL("../openapi.yaml", import.meta.url), "utf8")) as {
  components: { schemas: Record<string, Record<string, unknown>> };
};

const toMinorUnits = (major: unknown) => (typeof major === "number" ? Math.round(major * 100) : 0);

function createJudge(): Ajv2020 {
  // OpenAPI 3.1 schemas are JSON Schema 2020-12. Not strict: OpenAPI's own keywords (example) sit
  // beside JSON Schema's.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat("instant", {
    type: "string",
    validate: (value) => {
      const millis = Date.parse(value);
      return millis > 0 && millis <= Date.now() + maxFutureSkewMs;
    },
  });
  ajv.addFormat("phone", { type: "string", validate: (value) => normalisePhone(value, "DE") !== null });
  ajv.addKeyword({
    keyword: "x-max-depth",
    schemaType: "number",
    validate: (maxDepth: number, data: unknown) => !jsonDepthExceeds(data, maxDepth),
  });
  ajv.addKeyword({
    keyword: "x-discounts-within-prices",
    schemaType: "boolean",
    validate: (applies: boolean, receipt: { lines?: unknown }) => {
      if (!applies || !Array.isArray(receipt.lines)) return true;
      const net = receipt.lines.reduce(
        (sum: number, line: { quantity?: unknown; unitPrice?: unknown; discount?: unknown }) =>
          sum +
          (typeof line?.quantity === "number" ? line.quantity : 0) * toMinorUnits(line?.unitPrice) -
          toMinorUnits(line?.discount),
        0,
      );
      return net >= 0;
    },
  });
  ajv.addSchema({ ...openApiDocument, $id: "openapi" });
  return ajv;
}

const judge = createJudge();

/** Whether the document accepts `payload` as the named schema. */
export function schemaValidator(name: string): ValidateFunction {
  const validate = judge.getSchema(`openapi#/components/schemas/${name}`);
  if (!validate) throw new Error(`openapi.yaml has no schema ${name}`);
  return validate;
}
