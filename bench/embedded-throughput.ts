import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clickhouseEnvSchema, createClickHouse, migrate } from "@cx/clickhouse";
import { type Touchpoint, touchpointContract } from "@cx/contracts";
import { profileChangelog } from "@cx/enricher";
import { CustomerEnricher } from "@cx/enrichment";
import type { Logger } from "@cx/logging";
import {
  decisionRecords,
  offerSettings,
  offersEnvSchema,
  PartitionOffers,
  type PartitionOutputs,
} from "@cx/offers-service";
import { touchpointRow } from "@cx/sink";
import avro from "avsc";
import {
  enrichedRow,
  offerRow,
  outcomeRow,
  profileRow,
  stageChangeRow,
  suppressedRow,
} from "../services/sink/src/output-rows";
import { benchTouchpoints, type WorkloadSize } from "./bench-pipeline";
import { benchModels } from "./enrichment-in-process";

export interface EmbeddedThroughput {
  readonly touchpointsPerSecond: number;
  readonly setup: Record<string, number | string>;
}

/**
 * The embedded mode's path, until its entry point exists: the same handlers as the services, in one
 * process with no transport. Touchpoints (generated and Avro-encoded beforehand, so the generator is
 * not counted) are decoded, enriched (CustomerEnricher: identity + profile + value + lifecycle),
 * decided (PartitionOffers, one partition holding every customer), turned into the sink's rows
 * and inserted into the embedded ClickHouse (on disk), one insert per table per batch.
 */
export async function measureEmbeddedThroughput(
  logger: Logger,
  size: WorkloadSize,
  { batchSize = 5000 }: { batchSize?: number } = {},
): Promise<EmbeddedThroughput> {
  const type = avro.Type.forSchema(touchpointContract.schema as avro.Schema);
  const encoded: Buffer[] = [];
  for (const touchpoint of benchTouchpoints(size)) encoded.push(type.toBuffer(touchpoint));
  const dir = mkdtempSync(join(tmpdir(), "cx-bench-embedded-"));
  const clickhouse = createClickHouse(
    clickhouseEnvSchema.parse({ CLICKHOUSE_DATA_DIR: dir, CLICKHOUSE_DATABASE: "bench_embedded" }),
  );
  try {
    await migrate(clickhouse, logger);
    const env = offersEnvSchema.parse({ OFFERS_QUIET_FROM_HOUR: "0", OFFERS_QUIET_TO_HOUR: "0" });
    const catalog = env.OFFERS_CATALOG_FILE;
    const enricher = new CustomerEnricher({ models: benchModels });
    const offers = PartitionOffers.create(catalog, offerSettings(env));
    const source = (offset: number) => ({ cluster: "embedded", partition: 0, offset: String(offset) });
    const started = performance.now();
    const tables = {
      touchpoints: [] as object[],
      enriched_touchpoints: [] as object[],
      lifecycle_stage_changes: [] as object[],
      customer_profiles: [] as object[],
      offers: [] as object[],
      suppressed_decisions: [] as object[],
      offer_outcomes: [] as object[],
    };
    let inserts = 0;
    for (let first = 0; first < encoded.length; first += batchSize) {
      const ingestedAt = new Date();
      const out: PartitionOutputs = { decisions: [], outcomes: [] };
      const last = Math.min(encoded.length, first + batchSize);
      for (let offset = first; offset < last; offset++) {
        const touchpoint = type.fromBuffer(encoded[offset] as Buffer) as Touchpoint;
        const at = source(offset);
        tables.touchpoints.push(touchpointRow(touchpoint, at, ingestedAt));
        const { snapshot, stageChanges, changed } = enricher.process(touchpoint);
        if (!changed) continue;
        const customerId = snapshot.customerId;
        tables.enriched_touchpoints.push(
          enrichedRow({ customerId, touchpoint, profile: snapshot }, at, ingestedAt),
        );
        for (const change of stageChanges)
          tables.lifecycle_stage_changes.push(stageChangeRow(change, at, ingestedAt));
        offers.handle(customerId, touchpoint, snapshot, out);
      }
      const end = source(last - 1);
      for (const decision of out.decisions) {
        const records = decisionRecords(decision, catalog.version);
        for (const { value } of records.offers)
          if (value) tables.offers.push(offerRow(value, end, ingestedAt));
        for (const { value } of records.suppressed)
          if (value) tables.suppressed_decisions.push(suppressedRow(value, end, ingestedAt));
      }
      for (const outcome of out.outcomes) tables.offer_outcomes.push(outcomeRow(outcome, end, ingestedAt));
      for (const { value } of profileChangelog(enricher.profiles, Date.now()))
        if (value) tables.customer_profiles.push(profileRow(value, end));
      offers.takeChanges();
      for (const [table, rows] of Object.entries(tables)) {
        if (rows.length === 0) continue;
        await clickhouse.client.insert({
          table: clickhouse.table(table),
          values: rows,
          format: "JSONEachRow",
        });
        inserts++;
        rows.length = 0;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      touchpointsPerSecond: Math.round(encoded.length / seconds),
      setup: {
        mode: "handlers in one process, no transport (the embedded entry point is not built yet)",
        touchpoints: encoded.length,
        workload: `createWorkload: ${size.customers} starting customers, ${size.days} days, seed ${size.seed} (erasure requests left out)`,
        customers: enricher.customers,
        seconds: Number(seconds.toFixed(1)),
        batchSize,
        inserts,
        path: "Avro decode → CustomerEnricher → PartitionOffers (1 partition) → sink rows → embedded ClickHouse (on disk)",
        notCounted: "workload generation and Avro encoding",
      },
    };
  } finally {
    await clickhouse.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
