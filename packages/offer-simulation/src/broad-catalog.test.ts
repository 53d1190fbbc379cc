import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseCatalog } from "@cx/offers";
import { trueResponseParameters } from "@cx/workload";
import { describe, expect, it } from "vitest";

const read = (name: string) =>
  parseCatalog(readFileSync(fileURLToPath(new URL(`../../../config/${name}`, import.meta.url)), "utf8"));

describe("the broad example catalog (config/offer-catalog-broad.json)", () => {
  const broad = read("offer-catalog-broad.json");
  const shipped = read("offer-catalog.json");

  it("keeps every shipped action as it is and adds others", () => {
    for (const offer of shipped.offers) expect(broad.offers.find(({ id }) => id === offer.id)).toEqual(offer);
    expect(broad.offers.length).toBeGreaterThan(shipped.offers.length);
    expect(broad.version).not.toBe(shipped.version);
  });

  it("has an action in it for every action the simulated world knows apart from its kind", () => {
    const ids = new Set(broad.offers.map(({ id }) => id));
    const known = Object.keys(trueResponseParameters.actions);
    expect(known.length).toBeGreaterThan(0);
    for (const id of known) expect(ids.has(id), id).toBe(true);
  });

  it("offers several actions at a purchase, a cart and a customer turning at risk", () => {
    const at = (trigger: string) => broad.offers.filter((offer) => offer.triggers.some((t) => t === trigger));
    expect(at("purchase").length).toBeGreaterThanOrEqual(6);
    expect(at("cart").length).toBeGreaterThanOrEqual(3);
    expect(at("stage_at_risk").length).toBeGreaterThanOrEqual(4);
  });
});
