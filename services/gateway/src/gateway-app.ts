import { readFileSync } from "node:fs";
import type { IdentifierHasher } from "@cx/channel-adapters";
import { type Channel, channels, describeIssues, type Touchpoint } from "@cx/contracts";
import type { DeadLetter } from "@cx/kafka";
import type { Logger } from "@cx/logging";
import { metrics } from "@cx/observability";
import { decisionLogId, type OfferResponseRecord } from "@cx/offers";
import rateLimit from "@fastify/rate-limit";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
  LogController,
} from "fastify";
import { bearerToken, createKeyRing } from "./api-keys";
import { batchItems, type ItemVerdict, sortBatch } from "./batch-items";
import { type BoundedValue, boundedBytes, boundedJson } from "./bounded-json";
import type { GatewayEnv } from "./config";
import { HttpError, UnreadableBodyError } from "./http-errors";
import { ingestItems } from "./ingest-items";
import { parseJsonBody } from "./json-body";
import { depthIssues } from "./json-depth";
import { adaptOfferResponse } from "./offer-response-payload";
import { isSegmentRequest, type SegmentEnv, segmentRoutes } from "./segment";
import { BrokerUnavailableError, type TouchpointWriter } from "./touchpoint-writer";

export interface GatewayDeps {
  readonly env: GatewayEnv;
  readonly writer: TouchpointWriter;
  readonly hasher: IdentifierHasher;
  readonly logger: Logger;
  readonly now?: () => number;
  /** The Segment-compatible routes (/v1/track, /v1/batch, …); without it they are not served. */
  readonly segment?: SegmentEnv;
}

/** Who posted a request: a channel system (its channel) or a marketing tool ("marketing"). */
interface Caller {
  readonly name: string;
  readonly channel: Channel | "marketing";
}

declare module "fastify" {
  interface FastifyRequest {
    caller?: Caller;
    rawBody?: Buffer;
  }
  interface FastifyContextConfig {
    /** Routes for marketing tools take their own keys (GATEWAY_MARKETING_KEYS), not channel keys. */
    marketing?: boolean;
  }
}

const openApi = readFileSync(new URL("../openapi.yaml", import.meta.url), "utf8");
const retryAfterSeconds = "5";
/** How often Node looks for requests past their header or body deadline (its default is 30 s). */
const maxTimeoutCheckMs = 1000;

function channelOf(request: FastifyRequest): Channel {
  const { channel } = request.params as { channel: string };
  if (!(channels as readonly string[]).includes(channel)) {
    throw new HttpError(404, `unknown channel '${channel}'; channels are ${channels.join(", ")}`);
  }
  return channel as Channel;
}

const unknownKey = () =>
  new HttpError(401, "missing or unknown API key", { headers: { "www-authenticate": "Bearer" } });

/**
 * The ingest gateway: authenticates the channel system, reads strict JSON, adapts native events to
 * canonical touchpoints, and answers 202 only after Kafka acknowledged them. Rejected events go to
 * the dead-letter topic with their bytes and reason before the answer. Marketing tools report offer
 * outcomes by decision id on routes of their own.
 */
export async function buildGateway(deps: GatewayDeps): Promise<FastifyInstance> {
  const { env, writer, hasher, logger } = deps;
  const now = deps.now ?? Date.now;
  const findChannelKey = createKeyRing(env.GATEWAY_API_KEYS);
  const findMarketingKey = createKeyRing(env.GATEWAY_MARKETING_KEYS);
  const maxDepth = env.GATEWAY_MAX_JSON_DEPTH;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // One log line per rejection is written by the handlers; a line per request would drown them.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: env.GATEWAY_MAX_BODY_BYTES,
    // A client that stops sending holds a connection until Node answers 408 and closes it: headers
    // must arrive within their timeout, the whole request within that plus the body's.
    requestTimeout: env.GATEWAY_HEADERS_TIMEOUT_MS + env.GATEWAY_BODY_TIMEOUT_MS,
    http: {
      headersTimeout: env.GATEWAY_HEADERS_TIMEOUT_MS,
      connectionsCheckingInterval: Math.min(maxTimeoutCheckMs, env.GATEWAY_HEADERS_TIMEOUT_MS),
    },
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (request, body, done) => {
    request.rawBody = body as Buffer;
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  // Authentication first, so nobody without a key gets a body read or a rate-limit slot.
  app.addHook("onRequest", async (request) => {
    // Paths that match no route get the plain 404; routes under /v1/ need a key.
    if (!request.url.startsWith("/v1/") || request.routeOptions.url === undefined) return;
    if (isSegmentRequest(request)) return; // authenticated by write key in segment/
    const presented = bearerToken(request.headers.authorization) ?? "";
    if (request.routeOptions.config.marketing) {
      const key = findMarketingKey(presented);
      if (!key) throw unknownKey();
      request.caller = { name: key.name, channel: "marketing" };
      return;
    }
    const key = findChannelKey(presented);
    if (!key) throw unknownKey();
    request.caller = key;
    const channel = channelOf(request);
    if (key.channel !== channel) {
      throw new HttpError(403, `API key '${key.name}' may only post ${key.channel} events, not ${channel}`);
    }
  });

  await app.register(rateLimit, {
    global: true,
    max: env.GATEWAY_RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    keyGenerator: (request) =>
      request.caller ? `${request.caller.channel}:${request.caller.name}` : request.ip,
    errorResponseBuilder: (_request, context) =>
      new HttpError(
        429,
        `rate limit of ${context.max} requests per minute exceeded; retry after ${context.after}`,
      ),
  });

  /** A rejected item's dead letter; the value is bounded, and the reason says if it was cut. */
  const deadLetter = (request: FastifyRequest, bounded: BoundedValue, reason: string): DeadLetter => {
    const caller = request.caller as Caller;
    return {
      key: caller.name,
      value: bounded.value,
      reason: bounded.cut ? `${reason} (${bounded.cut})` : reason,
      category: "invalid",
      stage: "gateway",
      source: { system: caller.name, channel: caller.channel },
    };
  };

  app.setErrorHandler(async (error, request, reply) => {
    if (error instanceof UnreadableBodyError && request.caller && request.rawBody) {
      const bounded = boundedBytes(request.rawBody);
      await writer
        .deadLetter([
          {
            ...deadLetter(request, bounded, error.message),
            category: "unreadable_body",
          },
        ])
        .catch((dlqError: unknown) => {
          logger.error(
            { err: dlqError, source: request.caller?.name },
            "could not dead-letter an unreadable body",
          );
        });
    }
    if (error instanceof BrokerUnavailableError) {
      logger.error({ err: error, source: request.caller?.name }, "Kafka unavailable; answered 503");
      return reply
        .code(503)
        .header("retry-after", retryAfterSeconds)
        .send({ error: "Kafka is unavailable; nothing was accepted, retry later" });
    }
    if (error instanceof HttpError) {
      for (const [name, value] of Object.entries(error.details.headers ?? {})) reply.header(name, value);
      return reply
        .code(error.statusCode)
        .send({ error: error.message, ...(error.details.issues ? { issues: error.details.issues } : {}) });
    }
    const statusCode = (error as { statusCode?: number }).statusCode ?? 500;
    if (statusCode >= 500) logger.error({ err: error }, "request failed");
    return reply
      .code(statusCode)
      .send({ error: statusCode >= 500 ? "internal error" : (error as Error).message });
  });

  const context = (request: FastifyRequest) => ({
    hash: hasher,
    receivedAt: now(),
    sourceSystem: (request.caller as Caller).name,
  });
  const unlimited = { config: { rateLimit: false } } as const;
  const marketing = { config: { marketing: true } } as const;
  /** Counts the request's events and logs their ids (never identifiers) to follow them downstream. */
  const settled = (request: FastifyRequest, ids: readonly string[], accepted: number, rejected: number) => {
    const channel = (request.caller as Caller).channel;
    if (accepted > 0) metrics.gatewayEvents.inc({ channel, outcome: "accepted" }, accepted);
    if (rejected > 0) metrics.gatewayEvents.inc({ channel, outcome: "rejected" }, rejected);
    logger.debug({ source: request.caller?.name, channel, rejected, eventIds: ids }, "events ingested");
  };
  const eventIds = (touchpoints: readonly Touchpoint[]) =>
    touchpoints.map((touchpoint) => touchpoint.eventId);

  app.get("/health", unlimited, async () => ({ status: "ok" }));
  app.get("/openapi.yaml", unlimited, async (_request, reply) =>
    reply.type("application/yaml").send(openApi),
  );

  app.post("/v1/:channel/events", async (request, reply) => {
    const [outcome] = ingestItems(channelOf(request), [request.body], context(request), maxDepth);
    if (!outcome) throw new HttpError(500, "no outcome");
    if (!outcome.ok) {
      const reason = describeIssues(outcome.issues);
      await writer.deadLetter([deadLetter(request, boundedBytes(request.rawBody ?? ""), reason)]);
      settled(request, [], 0, 1);
      throw new HttpError(400, "invalid event", { issues: outcome.issues });
    }
    await writer.write(outcome.touchpoints);
    settled(request, eventIds(outcome.touchpoints), outcome.touchpoints.length, 0);
    return reply.code(202).send({ accepted: eventIds(outcome.touchpoints) });
  });

  app.post("/v1/:channel/batch", async (request, reply) => {
    const events = batchItems(request.body, "events", env.GATEWAY_MAX_BATCH_EVENTS, "event");
    const verdicts = ingestItems(channelOf(request), events, context(request), maxDepth).map(
      (outcome): ItemVerdict<Touchpoint> =>
        outcome.ok
          ? {
              ok: true,
              accepted: outcome.touchpoints,
              result: { eventIds: eventIds(outcome.touchpoints) },
            }
          : outcome,
    );
    const batch = sortBatch(verdicts);
    await writer.deadLetter(
      batch.rejected.map(({ index, issues }) =>
        deadLetter(request, boundedJson(events[index], maxDepth), describeIssues(issues)),
      ),
    );
    await writer.write(batch.accepted);
    settled(request, eventIds(batch.accepted), events.length - batch.rejected.length, batch.rejected.length);
    return reply.code(batch.statusCode).send({
      accepted: events.length - batch.rejected.length,
      rejected: batch.rejected.length,
      results: batch.results,
    });
  });

  const judgeResponse = (request: FastifyRequest, item: unknown): ItemVerdict<OfferResponseRecord> => {
    const tooDeep = depthIssues(item, maxDepth);
    if (tooDeep.length > 0) return { ok: false, issues: tooDeep };
    const outcome = adaptOfferResponse(item, context(request));
    return outcome.ok
      ? { ok: true, accepted: [outcome.record], result: { decisionId: outcome.record.decisionId } }
      : outcome;
  };

  app.post("/v1/offer-responses", marketing, async (request, reply) => {
    const verdict = judgeResponse(request, request.body);
    if (!verdict.ok) {
      const reason = describeIssues(verdict.issues);
      await writer.deadLetter([deadLetter(request, boundedBytes(request.rawBody ?? ""), reason)]);
      settled(request, [], 0, 1);
      throw new HttpError(400, "invalid offer response", { issues: verdict.issues });
    }
    await writer.writeOfferResponses(verdict.accepted);
    const ids = verdict.accepted.map((response) => response.decisionId);
    settled(request, ids.map(decisionLogId), 1, 0);
    return reply.code(202).send({ accepted: ids });
  });

  app.post("/v1/offer-responses/batch", marketing, async (request, reply) => {
    const responses = batchItems(request.body, "responses", env.GATEWAY_MAX_BATCH_EVENTS, "response");
    const batch = sortBatch(responses.map((item) => judgeResponse(request, item)));
    await writer.deadLetter(
      batch.rejected.map(({ index, issues }) =>
        deadLetter(request, boundedJson(responses[index], maxDepth), describeIssues(issues)),
      ),
    );
    await writer.writeOfferResponses(batch.accepted);
    const accepted = responses.length - batch.rejected.length;
    settled(
      request,
      batch.accepted.map((response) => decisionLogId(response.decisionId)),
      accepted,
      batch.rejected.length,
    );
    return reply
      .code(batch.statusCode)
      .send({ accepted, rejected: batch.rejected.length, results: batch.results });
  });

  if (deps.segment)
    await app.register(segmentRoutes, { env: deps.segment, writer, hasher, logger, now, maxDepth });

  return app;
}
