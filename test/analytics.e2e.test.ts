import { migrate, packedQuerySql, queryPack } from "@cx/clickhouse";
import { enricherEnvSchema, startEnricher } from "@cx/enricher";
import { createKafka, createSchemaRegistry } from "@cx/kafka";
import { createLogger } from "@cx/logging";
import { offersEnvSchema, startOffersService } from "@cx/offers-service";
import { pipelineConsumerGroups, pipelineEnvSchema } from "@cx/pipeline";
import { sinkEnvSchema, startSink } from "@cx/sink";
import { enricherContracts, offerContracts } from "@cx/stage-records";
import { freshClickHouse, offerStoryVariables, touchpointOnDay, waitFor } from "@cx/testing";
import { peopleTouchpoints } from "@cx/workload";
import { describe, expect, it } from "vitest";
import { publishTouchpoints, readAvroTopic, waitForGroups } from "./support/pipeline";

const logger = createLogger("analytics-e2e", process.env.TEST_LOG_LEVEL ?? "warn");

/** The latest value per key of a compacted topic (null: tombstoned). */
const latestPerKey = <T>(records: { key: string; value: T | null }[]) =>
  new Map(records.map((record) => [record.key, record.value]));

describe("analytics through the whole pipeline on the real broker, registry and ClickHouse engine", () => {
  it("keeps the aggregates equal to the raw rows, and an erasure leaves nothing about the customer", async () => {
    const variables = offerStoryVariables();
    const enricherEnv = enricherEnvSchema.parse(variables);
    const env = offersEnvSchema.parse(variables);
    const kafka = createKafka(env, logger);
    const registry = createSchemaRegistry(env.SCHEMA_REGISTRY_URL);
    const clickhouse = freshClickHouse("analytics");
    await migrate(clickhouse, logger);
    const sinkEnv = sinkEnvSchema.parse({ ...variables, CLICKHOUSE_DATABASE: clickhouse.database });
    const enricher = await startEnricher({ kafka, registry, logger, env: enricherEnv });
    const offers = await startOffersService({ kafka, registry, logger, env });
    const sink = await startSink({ kafka, registry, clickhouse, logger, env: sinkEnv });
    const { deciding, sink: sinkGroups } = pipelineConsumerGroups(pipelineEnvSchema.parse(variables));
    const settled = () => waitForGroups(kafka, [...deciding, ...sinkGroups], 120_000);
    const rows = async (query: string, params: Record<string, unknown> = {}) =>
      (await clickhouse.client.query({ query, query_params: params, format: "JSONEachRow" })).json<
        Record<string, unknown>
      >();
    const t = (name: string) => clickhouse.table(name);

    try {
      const stream = peopleTouchpoints({ people: 30, touchpoints: 900, seed: 21 });
      await publishTouchpoints(kafka, env, stream);
      await settled();

      // Journeys: one row per customer with every enriched touchpoint, its channels and steps.
      expect(
        await rows(`SELECT customer_id, sum(touchpoints) AS n, arraySort(groupUniqArrayArray(channels)) AS channels,
                           length(groupArrayMerge(steps)) AS steps
                    FROM ${t("customer_journeys")} GROUP BY customer_id ORDER BY customer_id`),
      ).toEqual(
        await rows(`SELECT customer_id, count() AS n, arraySort(groupUniqArray(toString(channel))) AS channels,
                           count() AS steps
                    FROM ${t("enriched_touchpoints")} GROUP BY customer_id ORDER BY customer_id`),
      );

      // Customers per stage: the flow's running total equals each open customer's latest stage.
      const stageCounts = () =>
        rows(`SELECT stage, sum(net) AS customers FROM ${t("lifecycle_stage_flow_daily")}
              GROUP BY stage HAVING customers != 0 ORDER BY stage`);
      const rawStageCounts = await rows(
        `SELECT stage, count() AS customers FROM
         (
             SELECT customer_id, argMax(toString(to_stage), source_offset) AS stage
             FROM ${t("lifecycle_stage_changes")}
             WHERE customer_id NOT IN (SELECT customer_id FROM ${t("closed_customers")})
             GROUP BY customer_id
         )
         GROUP BY stage ORDER BY stage`,
      );
      expect(await stageCounts()).toEqual(rawStageCounts);
      const [profiles] = await rows(
        `SELECT count() AS n FROM ${t("customer_profiles")} FINAL WHERE merged_into IS NULL`,
      );
      const total = (counts: Record<string, unknown>[]) =>
        counts.reduce((sum, row) => sum + Number(row.customers), 0);
      expect(total(rawStageCounts)).toBe(Number(profiles?.n));

      // Offer results per stage equal the raw decisions and outcomes.
      expect(
        await rows(`SELECT offer_id, channel, stage, sum(decisions) AS decisions, sum(accepted + declined + ignored + expired) AS answers
                    FROM ${t("offer_stage_performance_daily")} GROUP BY offer_id, channel, stage
                    HAVING decisions + answers > 0 ORDER BY offer_id, channel, stage`),
      ).toEqual(
        await rows(`SELECT offer_id, channel, stage, sum(decisions) AS decisions, sum(answers) AS answers FROM
                    (
                        SELECT offer_id, channel, splitByChar('|', toString(context))[1] AS stage, count() AS decisions, 0 AS answers
                        FROM ${t("offers")} GROUP BY offer_id, channel, stage
                        UNION ALL
                        SELECT offer_id, channel, splitByChar('|', toString(context))[1] AS stage, 0, count()
                        FROM ${t("offer_outcomes")} GROUP BY offer_id, channel, stage
                    )
                    GROUP BY offer_id, channel, stage ORDER BY offer_id, channel, stage`),
      );

      // Erasure: the customer with the most customers merged into them.
      const [survivor] = await rows(
        `SELECT merged_into AS id, groupArray(customer_id) AS merged FROM ${t("customer_profiles")} FINAL
         WHERE merged_into IS NOT NULL GROUP BY id ORDER BY length(merged) DESC, id LIMIT 1`,
      );
      expect(survivor, "the workload stitches customers across channels").toBeDefined();
      const customerId = String(survivor?.id);
      const erasedIds = [customerId, ...((survivor?.merged ?? []) as string[])];
      const eventIds = (
        await rows(
          `SELECT event_id FROM ${t("enriched_touchpoints")} WHERE customer_id IN {ids:Array(String)}`,
          {
            ids: erasedIds,
          },
        )
      ).map((row) => String(row.event_id));
      const [card] = await rows(
        `SELECT loyalty_id FROM ${t("touchpoints")} WHERE event_id IN {events:Array(String)} AND loyalty_id IS NOT NULL LIMIT 1`,
        { events: eventIds },
      );
      expect(card?.loyalty_id).toBeTruthy();
      const stagesBefore = total(await stageCounts());

      const request = touchpointOnDay(130, {
        channel: "web",
        type: "erasure_request",
        identifiers: { loyaltyId: String(card?.loyalty_id) },
      });
      await publishTouchpoints(kafka, env, [request]);
      await settled();

      const mentions = [
        ["enriched_touchpoints", "customer_id"],
        ["lifecycle_stage_changes", "customer_id"],
        ["customer_profiles", "customer_id"],
        ["customer_profiles", "merged_into"],
        ["offers", "customer_id"],
        ["suppressed_decisions", "customer_id"],
        ["offer_outcomes", "customer_id"],
        ["customer_journeys", "customer_id"],
      ] as const;
      // Every erased id has been carried out by the sink (each is a request of its own downstream).
      await waitFor(
        async () => rows(`SELECT DISTINCT customer_id FROM ${t("closed_customers")} WHERE reason = 'erased'`),
        (closed) => erasedIds.every((id) => closed.some((row) => row.customer_id === id)),
        { what: "the sink to erase every id", timeoutMs: 120_000 },
      );
      // Deletes run as background mutations: wait until none is left.
      await waitFor(
        () =>
          rows("SELECT count() AS n FROM system.mutations WHERE database = {db:String} AND NOT is_done", {
            db: clickhouse.database,
          }),
        ([pending]) => Number(pending?.n) === 0,
        { what: "the erasure's deletes to finish", timeoutMs: 120_000 },
      );
      for (const [table, column] of mentions) {
        const [left] = await rows(
          `SELECT count() AS n FROM ${t(table)} WHERE ${column} IN {ids:Array(String)}`,
          {
            ids: erasedIds,
          },
        );
        expect(Number(left?.n), `${table}.${column}`).toBe(0);
      }
      const [raw] = await rows(
        `SELECT count() AS n FROM ${t("touchpoints")}
         WHERE event_id IN {events:Array(String)} OR loyalty_id = {card:String}`,
        { events: eventIds, card: String(card?.loyalty_id) },
      );
      expect(Number(raw?.n)).toBe(0);
      for (const query of queryPack().filter((packed) => packed.params.some((p) => p.name === "customer")))
        for (const id of erasedIds)
          expect(
            await rows(packedQuerySql(query, clickhouse.database), { customer: id }),
            `${query.name} for ${id}`,
          ).toEqual([]);
      // The person leaves the stage counts once; everyone else stays.
      expect(total(await stageCounts())).toBe(stagesBefore - 1);
      const [profilesAfter] = await rows(
        `SELECT count() AS n FROM ${t("customer_profiles")} FINAL WHERE merged_into IS NULL`,
      );
      expect(Number(profilesAfter?.n)).toBe(Number(profiles?.n) - 1);

      // The compacted topics hold tombstones under every erased key.
      const profileTopic = latestPerKey(
        await readAvroTopic(kafka, env, env.PROFILES_TOPIC, enricherContracts.profile.schema),
      );
      const offerState = latestPerKey(
        await readAvroTopic(kafka, env, env.OFFER_STATE_TOPIC, offerContracts.state.schema),
      );
      const identity = latestPerKey(
        await readAvroTopic(
          kafka,
          env,
          env.IDENTITY_CHANGELOG_TOPIC,
          enricherContracts.identityChangelog.schema,
        ),
      );
      for (const id of erasedIds) {
        expect(profileTopic.has(id), id).toBe(true);
        expect(profileTopic.get(id), id).toBeNull();
        expect(identity.get(`customer:${id}`), id).toBeNull();
        if (offerState.has(id)) expect(offerState.get(id), id).toBeNull();
      }
      expect(offerState.get(customerId)).toBeNull();
      expect(JSON.stringify([...identity.values()])).not.toContain(`"loyalty:${String(card?.loyalty_id)}"`);
    } finally {
      await sink.stop();
      await offers.stop();
      await enricher.stop();
      await clickhouse.close();
    }
  }, 300_000);
});
