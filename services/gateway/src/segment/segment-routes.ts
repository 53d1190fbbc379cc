import {
  createSegmentAdapter,
  type IdentifierHasher,
  type SegmentCallType,
  segmentCallTypes,
} from "@cx/channel-adapters";
import type { Channel, Touchpoint } from "@cx/contracts";
import type { DeadLetter } from "@cx/kafka";
import type { Logger } from "@cx/logging";
import { metrics } from "@cx/observability";
import cors from "@fastify/cors";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { createKeyRing } from "../api-keys";
import { type BoundedValue, boundedBytes, boundedJson } from "../bounded-json";
import type { ApiKeyConfig } from "../config";
import { HttpError, UnreadableBodyError } from "../http-errors";
import { parseJsonBody } from "../json-body";
import { BrokerUnavailableError, type TouchpointWriter } from "../touchpoint-writer";
import { type CallOutcome, callsOf, ingestSegmentCalls, withoutWriteKey } from "./segment-calls";
import { type SegmentEnv, segmentLimits } from "./segment-config";
import { segmentSettings } from "./segment-settings";
import { basicAuthUser } from "./write-key";

export interface SegmentRouteDeps {
  readonly env: SegmentEnv;
  readonly writer: TouchpointWriter;
  readonly hasher: IdentifierHasher;
  readonly logger: Logger;
  readonly now: () => number;
  /** Levels of objects and arrays one call may nest (GATEWAY_MAX_JSON_DEPTH); a deeper one is refused. */
  readonly maxDepth: number;
}

declare module "fastify" {
  interface FastifyRequest {
    /** The Segment source whose write key came in the Basic header, known before the body is read. */
    segmentSource?: ApiKeyConfig;
  }
}

/** Segment's paths: the long names, analytics.js' one-letter ones, and /v1/import for batches. */
const routes: Record<string, SegmentCallType | "batch"> = {
  ...Object.fromEntries(segmentCallTypes.map((type) => [`/v1/${type}`, type])),
  ...Object.fromEntries(segmentCallTypes.map((type) => [`/v1/${type.charAt(0)}`, type])),
  "/v1/batch": "batch",
  "/v1/b": "batch",
  "/v1/import": "batch",
};
const settingsPath = /^\/v1\/projects\/[^/]+\/settings$/;

/** Whether a request is for the Segment routes, which authenticate by write key themselves. */
export function isSegmentRequest(request: FastifyRequest): boolean {
  const path = request.url.split("?")[0] ?? "";
  return path in routes || settingsPath.test(path);
}

const success = { success: true } as const;

/**
 * The Segment HTTP Tracking API on the gateway, so analytics.js, the mobile SDKs and
 * @segment/analytics-node can send here. As Segment does, it answers 200 {"success":true} for every
 * readable request with a valid write key, 400 for malformed JSON and calls over 32 KB, and 401 for a
 * missing or unknown key; every refused call still goes to the dead-letter topic with its reason.
 */
export async function segmentRoutes(app: FastifyInstance, deps: SegmentRouteDeps): Promise<void> {
  const { env, writer, hasher, logger, now, maxDepth } = deps;
  const keys = env.SEGMENT_WRITE_KEYS ?? [];
  const findKey = createKeyRing(keys);
  const adapters = new Map<Channel, ReturnType<typeof createSegmentAdapter>>();
  const adapterFor = (channel: Channel) => {
    let adapter = adapters.get(channel);
    if (!adapter) {
      adapter = createSegmentAdapter({ channel, defaultCurrency: env.SEGMENT_DEFAULT_CURRENCY });
      adapters.set(channel, adapter);
    }
    return adapter;
  };

  // Browsers post from the shop's own origin; write keys are public there, so any origin may.
  await app.register(cors, { origin: true, methods: ["GET", "POST"], maxAge: 86_400 });
  // analytics.js posts text/plain (no CORS preflight); the body is JSON either way.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ["application/json", "text/plain"],
    { parseAs: "buffer" },
    (_request, body, done) => done(null, body),
  );
  // Header keys are known before the body is read: the rate limit then counts per source.
  app.addHook("onRequest", async (request) => {
    const presented = basicAuthUser(request.headers.authorization);
    const key = presented === undefined ? undefined : findKey(presented);
    if (!key) return;
    request.segmentSource = key;
    request.caller = key; // the rate limit's bucket
  });

  /** A refused call's dead letter; the value is bounded, and the reason says if it was cut. */
  const deadLetter = (key: ApiKeyConfig, bounded: BoundedValue, reason: string): DeadLetter => ({
    key: key.name,
    value: bounded.value,
    reason: bounded.cut ? `${reason} (${bounded.cut})` : reason,
    category: "invalid",
    stage: "gateway",
    source: { system: key.name, channel: key.channel },
  });

  /** The source of a request: by its Basic header, else by `writeKey` in a readable body. */
  const sourceOf = (request: FastifyRequest, body: unknown): ApiKeyConfig => {
    const presented =
      basicAuthUser(request.headers.authorization) ??
      (typeof (body as { writeKey?: unknown } | null)?.writeKey === "string"
        ? (body as { writeKey: string }).writeKey
        : undefined);
    const key = presented === undefined ? undefined : findKey(presented);
    if (!key) throw new HttpError(401, "missing or unknown write key");
    return key;
  };

  const ingest =
    (routeType: SegmentCallType | "batch") => async (request: FastifyRequest, reply: FastifyReply) => {
      const raw = request.body as Buffer;
      let body: unknown;
      try {
        body = parseJsonBody(raw);
      } catch (error) {
        // Without a readable body only a header key can name the source to dead-letter it for.
        if (request.segmentSource)
          await writer.deadLetter([
            {
              ...deadLetter(request.segmentSource, boundedBytes(raw), (error as Error).message),
              category: "unreadable_body",
            },
          ]);
        throw error;
      }
      const key = sourceOf(request, body);
      const calls = callsOf(body, routeType);
      if (routeType === "batch" && calls.length === 0) {
        await writer.deadLetter([
          deadLetter(
            key,
            boundedJson(withoutWriteKey(body), maxDepth),
            "a batch needs an array 'batch' of calls",
          ),
        ]);
        throw new HttpError(400, "a batch is an object with an array 'batch' of calls");
      }
      const outcomes = ingestSegmentCalls(
        calls,
        adapterFor(key.channel),
        { hash: hasher, receivedAt: now(), sourceSystem: key.name },
        maxDepth,
      );
      const accepted: Touchpoint[] = outcomes.flatMap((outcome) => (outcome.ok ? outcome.touchpoints : []));
      const refused = outcomes.filter(
        (outcome): outcome is Extract<CallOutcome, { ok: false }> => !outcome.ok,
      );
      await writer.deadLetter(
        refused.map((outcome) => deadLetter(key, boundedJson(outcome.call, maxDepth), outcome.reason)),
      );
      await writer.write(accepted);
      if (accepted.length > 0)
        metrics.gatewayEvents.inc({ channel: key.channel, outcome: "accepted" }, accepted.length);
      if (refused.length > 0) {
        metrics.gatewayEvents.inc({ channel: key.channel, outcome: "rejected" }, refused.length);
        logger.info(
          { source: key.name, reasons: refused.map((outcome) => outcome.reason) },
          "Segment calls dead-lettered",
        );
      }
      // Segment refuses a single call over 32 KB outright; anything else is answered success.
      if (routeType !== "batch" && refused[0]?.tooLarge) throw new HttpError(400, refused[0].reason);
      return reply.code(200).send(success);
    };

  for (const [path, routeType] of Object.entries(routes))
    app.post(path, { bodyLimit: segmentLimits.requestBytes }, ingest(routeType));

  app.get("/v1/projects/:writeKey/settings", async (request, reply) => {
    const { writeKey } = request.params as { writeKey: string };
    if (!findKey(writeKey)) throw new HttpError(404, "unknown write key");
    return reply.send(segmentSettings(writeKey, `${request.host}/v1`, request.protocol));
  });

  app.setErrorHandler(async (error, request, reply) => {
    if (error instanceof BrokerUnavailableError) {
      logger.error({ err: error, source: request.segmentSource?.name }, "Kafka unavailable; answered 503");
      return reply
        .code(503)
        .header("retry-after", "5")
        .send({ success: false, message: "Kafka is unavailable; retry later" });
    }
    if (error instanceof UnreadableBodyError || error instanceof HttpError)
      return reply.code(error.statusCode).send({ success: false, message: error.message });
    const statusCode = (error as { statusCode?: number }).statusCode ?? 500;
    if (statusCode >= 500) logger.error({ err: error }, "Segment request failed");
    // Segment answers an over-large request 400, not 413: its clients do not retry a 400.
    const answered = (error as { code?: string }).code === "FST_ERR_CTP_BODY_TOO_LARGE" ? 400 : statusCode;
    return reply
      .code(answered)
      .send({ success: false, message: statusCode >= 500 ? "internal error" : (error as Error).message });
  });
}
