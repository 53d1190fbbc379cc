import { suppressionReasons } from "@cx/offers";
import { offerContracts } from "@cx/stage-records";
import { describe, expect, it } from "vitest";

describe("the suppressed-decision contract", () => {
  it("names in its reason field's doc every reason the engine records (consumers read the doc, the field is a string)", () => {
    const { fields } = offerContracts.suppressed.schema as { fields: { name: string; doc?: string }[] };
    const doc = fields.find((field) => field.name === "reason")?.doc ?? "";
    const named = new Set(doc.match(/[a-z]+(?:_[a-z]+)*/g));
    expect(suppressionReasons.filter((reason) => !named.has(reason))).toEqual([]);
  });
});
