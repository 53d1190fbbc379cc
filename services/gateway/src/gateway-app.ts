import { readFileSync } from "node:fs";
import type { IdentifierHasher } from "@cx/channel-adapters";
import { type Channel, channels, describeIssues, type Touchpoint } from "@cx/contracts";
import type { DeadLetter } from "@cx/kafka";
import type { Logger } from "@cx/logging";
import { metrics } from "@cx/observability";
import rateLimit from "@fastify/rate-limit";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
  LogController,
} from "fastify";
import { bearerToken, createKeyRing } from "./api-keys";
import type { ApiKeyConfig, GatewayEnv } from "./config";
import { HttpError, UnreadableBodyError } from "./http-errors";
import { ingestItems } from "./ingest-items";
import { parseJsonBody } from "./json-body";
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

declare module "fastify" {
  interface FastifyRequest {
    apiKey?: ApiKeyConfig;
    rawBody?: Buffer;
  }
}

const openApi = readFileSync(new URL("../openapi.yaml", import.meta.url), "utf8");
const retryAfterSeconds = "5";

function channelOf(request: FastifyRequest): Channel {
  const { channel } = request.params as { channel: string };
  if (!(channels as readonly string[]).includes(channel)) {
    throw new HttpError(404, `unknown channel '${channel}'; channels are ${channels.join(", ")}`);
  }
  return channel as Channel;
}

/**
 * The ingest gateway: authenticates the channel system, reads strict JSON, adapts native events to
 * canonical touchpoints, and answers 202 only after Kafka acknowledged them. Rejected events go to
 * the dead-letter topic with their bytes and reason before the answer.
 */
export async function buildGateway(deps: GatewayDeps): Promise<FastifyInstance> {
  const { env, writer, hasher, logger } = deps;
  const now = deps.now ?? Date.now;
  const findKey = createKeyRing(env.GATEWAY_API_KEYS);
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // One log line per rejection is written by the handlers; a line per request would drown them.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: env.GATEWAY_MAX_BODY_BYTES,
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
    const key = findKey(bearerToken(request.headers.authorization) ?? "");
    if (!key) {
      throw new HttpError(401, "missing or unknown API key", { headers: { "www-authenticate": "Bearer" } });
    }
    request.apiKey = key;
    const channel = channelOf(request);
    if (key.channel !== channel) {
      throw new HttpError(403, `API key '${key.name}' may only post ${key.channel} events, not ${channel}`);
    }
  });

  await app.register(rateLimit, {
    global: true,
    max: env.GATEWAY_RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    keyGenerator: (request) => request.apiKey?.name ?? request.ip,
    errorResponseBuilder: (_request, context) =>
      new HttpError(
        429,
        `rate limit of ${context.max} requests per minute exceeded; retry after ${context.after}`,
      ),
  });

  const deadLetter = (
    request: FastifyRequest,
    value: Buffer | string,
    reason: string,
    category?: DeadLetter["category"],
  ): DeadLetter => {
    const key = request.apiKey as ApiKeyConfig;
    return {
      key: key.name,
      value,
      reason,
      ...(category ? { category } : {}),
      stage: "gateway",
      source: { system: key.name, channel: key.channel },
    };
  };

  app.setErrorHandler(async (error, request, reply) => {
    if (error instanceof UnreadableBodyError && request.apiKey && request.rawBody) {
      await writer
        .deadLetter([deadLetter(request, request.rawBody, error.message)])
        .catch((dlqError: unknown) => {
          logger.error(
            { err: dlqError, source: request.apiKey?.name },
            "could not dead-letter an unreadable body",
          );
        });
    }
    if (error instanceof BrokerUnavailableError) {
      logger.error({ err: error, source: request.apiKey?.name }, "Kafka unavailable; answered 503");
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
    sourceSystem: (request.apiKey as ApiKeyConfig).name,
  });
  const unlimited = { config: { rateLimit: false } } as const;
  /** Counts the request's events and logs their ids (never identifiers) to follow them downstream. */
  const settled = (request: FastifyRequest, accepted: readonly Touchpoint[], rejected: number) => {
    const channel = channelOf(request);
    if (accepted.length > 0) metrics.gatewayEvents.inc({ channel, outcome: "accepted" }, accepted.length);
    if (rejected > 0) metrics.gatewayEvents.inc({ channel, outcome: "rejected" }, rejected);
    logger.debug(
      {
        source: request.apiKey?.name,
        channel,
        rejected,
        eventIds: accepted.map((touchpoint) => touchpoint.eventId),
      },
      "events ingested",
    );
  };

  app.get("/health", unlimited, async () => ({ status: "ok" }));
  app.get("/openapi.yaml", unlimited, async (_request, reply) =>
    reply.type("application/yaml").send(openApi),
  );

  app.post("/v1/:channel/events", async (request, reply) => {
    const [outcome] = ingestItems(channelOf(request), [request.body], context(request));
    if (!outcome) throw new HttpError(500, "no outcome");
    if (!outcome.ok) {
      await writer.deadLetter([
        deadLetter(request, request.rawBody ?? "", describeIssues(outcome.issues), "invalid"),
      ]);
      settled(request, [], 1);
      throw new HttpError(400, "invalid event", { issues: outcome.issues });
    }
    await writer.write(outcome.touchpoints);
    settled(request, outcome.touchpoints, 0);
    return reply.code(202).send({ accepted: outcome.touchpoints.map((touchpoint) => touchpoint.eventId) });
  });

  app.post("/v1/:channel/batch", async (request, reply) => {
    const events = (request.body as { events?: unknown } | null)?.events;
    if (!Array.isArray(events)) throw new HttpError(400, "a batch is an object with an array 'events'");
    if (events.length === 0) throw new HttpError(400, "a batch needs at least one event");
    if (events.length > env.GATEWAY_MAX_BATCH_EVENTS) {
      throw new HttpError(
        413,
        `a batch may hold at most ${env.GATEWAY_MAX_BATCH_EVENTS} events, this one has ${events.length}`,
      );
    }
    const outcomes = ingestItems(channelOf(request), events, context(request));
    const accepted: Touchpoint[] = [];
    const rejected: DeadLetter[] = [];
    const results = outcomes.map((outcome, index) => {
      if (outcome.ok) {
        accepted.push(...outcome.touchpoints);
        return {
          index,
          status: "accepted",
          eventIds: outcome.touchpoints.map((touchpoint) => touchpoint.eventId),
        };
      }
      rejected.push(
        deadLetter(
          request,
          JSON.stringify(events[index]) ?? "null",
          describeIssues(outcome.issues),
          "invalid",
        ),
      );
      return { index, status: "rejected", issues: outcome.issues };
    });
    await writer.deadLetter(rejected);
    await writer.write(accepted);
    settled(request, accepted, rejected.length);
    const statusCode = rejected.length === 0 ? 202 : rejected.length === events.length ? 400 : 207;
    return reply
      .code(statusCode)
      .send({ accepted: events.length - rejected.length, rejected: rejected.length, results });
  });

  if (deps.segment) await app.register(segmentRoutes, { env: deps.segment, writer, hasher, logger, now });

  return app;
}
