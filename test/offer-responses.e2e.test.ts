import { createIdentifierHasher } from "@cx/channel-adapters";
import { enricherEnvSchema, startEnricher } from "@cx/enricher";
import { buildGateway, createKafkaTouchpointWriter, gatewayEnvSchema } from "@cx/gateway";
import { createKafka, createSchemaRegistry, deadLetterHeaders } from "@cx/kafka";
import { createLogger } from "@cx/logging";
import { customerOfDecision, type OfferOutcomeRecord } from "@cx/offers";
import { offersEnvSchema, startOffersService } from "@cx/offers-service";
import { type OfferRecord, type OfferStateRecord, offerContracts } from "@cx/stage-records";
import { offerStoryVariables, touchpointOnDay } from "@cx/testing";
import { describe, expect, it } from "vitest";
import { publishTouchpoints, readAvroTopic, readWholeTopic, waitForGroups } from "./support/pipeline";

const logger = createLogger("offer-responses-e2e", process.env.TEST_LOG_LEVEL ?? "warn");
const marketingSecret = "m".repeat(32);

describe("offer outcomes reported over HTTP", () => {
  it("reach the offer state and cx.offer-outcomes from the decision id alone, once", async () => {
    const variables = offerStoryVariables({
      GATEWAY_API_KEYS: `till:store:${"s".repeat(32)}`,
      GATEWAY_MARKETING_KEYS: `crm:${marketingSecret}`,
      IDENTIFIER_HASH_KEY: "k".repeat(32),
    });
    const enricherEnv = enricherEnvSchema.parse(variables);
    const env = offersEnvSchema.parse(variables);
    const gatewayEnv = gatewayEnvSchema.parse(variables);
    const kafka = createKafka(env, logger);
    const registry = createSchemaRegistry(env.SCHEMA_REGISTRY_URL);
    const enricher = await startEnricher({ kafka, registry, logger, env: enricherEnv });
    const offers = await startOffersService({ kafka, registry, logger, env });
    const writer = await createKafkaTouchpointWriter(kafka, registry, gatewayEnv);
    const gateway = await buildGateway({
      env: gatewayEnv,
      writer,
      hasher: createIdentifierHasher(gatewayEnv.IDENTIFIER_HASH_KEY, "DE"),
      logger,
    });
    const caughtUp = () =>
      waitForGroups(kafka, [
        { groupId: enricherEnv.ENRICHER_IDENTITY_GROUP_ID, topic: env.TOUCHPOINTS_TOPIC },
        { groupId: enricherEnv.ENRICHER_PROFILE_GROUP_ID, topic: env.IDENTIFIED_TOPIC },
        { groupId: env.OFFERS_GROUP_ID, topic: env.ENRICHED_TOPIC },
        { groupId: env.OFFERS_GROUP_ID, topic: env.OFFER_RESPONSES_TOPIC },
      ]);
    const respond = (payload: Record<string, unknown>) =>
      gateway.inject({
        method: "POST",
        url: "/v1/offer-responses",
        headers: { authorization: `Bearer ${marketingSecret}`, "content-type": "application/json" },
        payload,
      });
    const outcomes = async () =>
      (
        await readAvroTopic<OfferOutcomeRecord>(
          kafka,
          env,
          env.OFFER_OUTCOMES_TOPIC,
          offerContracts.outcome.schema,
          registry,
        )
      ).map((record) => record.value);
    const card = { loyaltyId: "L-http-answers" };
    try {
      await publishTouchpoints(
        kafka,
        env,
        [
          touchpointOnDay(0, {
            channel: "web",
            type: "consent_change",
            consent: { scope: "email", granted: true },
            identifiers: card,
          }),
          touchpointOnDay(1, {
            type: "purchase",
            amount: { minor: 5000, currency: "EUR", discountMinor: 0, marginMinor: null },
            identifiers: card,
          }),
        ],
        registry,
      );
      await caughtUp();
      const [offer] = (
        await readAvroTopic<OfferRecord>(kafka, env, env.OFFERS_TOPIC, offerContracts.offer.schema, registry)
      ).map((record) => record.value as OfferRecord);
      if (!offer) throw new Error("the offer service decided nothing");
      expect(customerOfDecision(offer.decisionId)).toBe(offer.customerId);

      // The marketing tool knows the decision id only.
      const answer = {
        decisionId: offer.decisionId,
        outcome: "accepted",
        amount: 45,
        currency: "EUR",
        occurredAt: new Date(touchpointOnDay(1.5).occurredAt).toISOString(),
      };
      expect((await respond(answer)).statusCode).toBe(202);
      await caughtUp();
      expect(await outcomes()).toEqual([
        expect.objectContaining({
          decisionId: offer.decisionId,
          customerId: offer.customerId,
          offerId: offer.offerId,
          outcome: "accepted",
          valueMinor: 4500,
        }),
      ]);
      const states = await readAvroTopic<OfferStateRecord>(
        kafka,
        env,
        env.OFFER_STATE_TOPIC,
        offerContracts.state.schema,
        registry,
      );
      const state = states.filter((record) => record.key === offer.customerId).at(-1)?.value;
      expect(state?.customer?.sent).toEqual([
        expect.objectContaining({ decisionId: offer.decisionId, outcome: "accepted" }),
      ]);

      // The same answer again changes nothing; another answer, or an unknown decision, is
      // dead-lettered by the offer service with the reason.
      const unknown = `dec_${"0".repeat(24)}_${offer.customerId}`;
      for (const payload of [
        answer,
        { ...answer, outcome: "declined", amount: undefined, currency: undefined },
      ])
        expect((await respond(payload)).statusCode).toBe(202);
      expect((await respond({ decisionId: unknown, outcome: "ignored" })).statusCode).toBe(202);
      await caughtUp();
      expect(await outcomes()).toHaveLength(1);
      const reasons = (await readWholeTopic(kafka, env.DEAD_LETTER_TOPIC))
        .filter((letter) => String(letter.headers?.[deadLetterHeaders.stage]) === "offers")
        .map((letter) => String(letter.headers?.[deadLetterHeaders.reason]));
      expect(reasons).toEqual(
        expect.arrayContaining([
          `decision ${offer.decisionId} was already answered: accepted`,
          expect.stringMatching(new RegExp(`^decision ${unknown} is not among the offers sent`)),
        ]),
      );
      expect(reasons).toHaveLength(2);
    } finally {
      await gateway.close();
      await writer.close();
      await offers.stop();
      await enricher.stop();
    }
  }, 120_000);
});
