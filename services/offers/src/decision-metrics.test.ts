import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CustomerEnricher } from "@cx/enrichment";
import { PipelineMetrics } from "@cx/observability";
import { parseCatalog } from "@cx/offers";
import { touchpointOnDay } from "@cx/testing";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { countDecisions, decisionLog } from "./decision-metrics";
import { PartitionOffers, type PartitionOutputs } from "./partition-offers";
import { defaultSettings } from "./test-settings";

const catalog = parseCatalog(
  readFileSync(fileURLToPath(new URL("../../../config/offer-catalog.json", import.meta.url)), "utf8"),
);

describe("decision metrics", () => {
  it("count every decision by offer and channel and every suppression by reason, naming no customer", async () => {
    const enricher = new CustomerEnricher();
    const offers = PartitionOffers.create(catalog, defaultSettings);
    const out: PartitionOutputs = { decisions: [], outcomes: [] };
    const stream = [
      touchpointOnDay(0, {
        type: "consent_change",
        channel: "web",
        consent: { scope: "email", granted: true },
      }),
      touchpointOnDay(1, { type: "cart", channel: "web" }),
      touchpointOnDay(1, { type: "cart", channel: "web" }),
      touchpointOnDay(1, { type: "cart", channel: "web" }),
      // Phone consent withdrawn: the recovery call is suppressed (no_consent), e-mail goes out.
      touchpointOnDay(2, {
        type: "consent_change",
        channel: "web",
        consent: { scope: "phone", granted: false },
      }),
      touchpointOnDay(2, { type: "complaint", channel: "phone", sentiment: -0.8 }),
    ];
    let customerId = "";
    for (const touchpoint of stream) {
      const { snapshot } = enricher.process(touchpoint);
      customerId = snapshot.customerId;
      offers.handle(snapshot.customerId, touchpoint, snapshot, out);
    }
    expect(out.decisions.length).toBeGreaterThan(1);
    const suppressions = out.decisions.flatMap((decision) => decision.suppressed);
    expect(suppressions.length).toBeGreaterThan(0);

    const metrics = new PipelineMetrics(new Registry());
    countDecisions(out.decisions, metrics);
    const decisions = (await metrics.offerDecisions.get()).values;
    expect(decisions.reduce((sum, entry) => sum + entry.value, 0)).toBe(out.decisions.length);
    const offered = out.decisions.filter((decision) => decision.offer);
    for (const decision of offered)
      expect(decisions).toContainEqual(
        expect.objectContaining({ labels: { offer: decision.offer?.id, channel: decision.channel } }),
      );
    const suppressed = (await metrics.offerSuppressions.get()).values;
    expect(suppressed.reduce((sum, entry) => sum + entry.value, 0)).toBe(suppressions.length);
    for (const { reason, channel } of suppressions)
      expect(suppressed).toContainEqual(expect.objectContaining({ labels: { reason, channel } }));

    const text = await metrics.registry.metrics();
    expect(text).not.toContain(customerId);
    expect(JSON.stringify(decisionLog(out.decisions))).not.toContain(customerId);
    expect(decisionLog(out.decisions).map((entry) => entry.eventId)).toEqual(
      out.decisions.map((decision) => decision.request.eventId),
    );
  });
});
