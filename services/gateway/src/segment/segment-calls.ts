import type { AdapterContext, ChannelAdapter, SegmentCallType } from "@cx/channel-adapters";
import { describeIssues, type Touchpoint } from "@cx/contracts";
import { depthIssues } from "../json-depth";
import { segmentLimits } from "./segment-config";

export type CallOutcome =
  | { readonly ok: true; readonly touchpoints: Touchpoint[] }
  | { readonly ok: false; readonly reason: string; readonly call: unknown; readonly tooLarge?: true };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A call as it may be dead-lettered: without the write key analytics.js puts in the body. */
export function withoutWriteKey(value: unknown): unknown {
  if (!isObject(value) || !("writeKey" in value)) return value;
  const { writeKey: _writeKey, ...rest } = value;
  return rest;
}

/**
 * The calls of a request, each as Segment reads it: a single-call route names the type, and a
 * batch's top-level `sentAt` and `context` apply to every call that does not set its own.
 */
export function callsOf(body: unknown, routeType: SegmentCallType | "batch"): unknown[] {
  if (routeType !== "batch")
    return [isObject(body) ? { ...(withoutWriteKey(body) as Json), type: routeType } : body];
  if (!isObject(body) || !Array.isArray(body.batch)) return [];
  const shared = { sentAt: body.sentAt, context: isObject(body.context) ? body.context : undefined };
  return body.batch.map((call: unknown) => {
    if (!isObject(call)) return call;
    const context = isObject(call.context) ? { ...shared.context, ...call.context } : shared.context;
    return {
      ...call,
      ...(call.sentAt === undefined && shared.sentAt !== undefined ? { sentAt: shared.sentAt } : {}),
      ...(context ? { context } : {}),
    };
  });
}

/**
 * Each call → touchpoints or the reason it is refused (nested deeper than `maxDepth`, over 32 KB,
 * or what the adapter found); pure, so it is tested without a server. The depth is checked first:
 * measuring or adapting a value nested thousands deep would overflow the stack.
 */
export function ingestSegmentCalls(
  calls: readonly unknown[],
  adapter: ChannelAdapter,
  context: AdapterContext,
  maxDepth: number,
): CallOutcome[] {
  return calls.map((call) => {
    const tooDeep = depthIssues(call, maxDepth);
    if (tooDeep.length > 0) return { ok: false, call, reason: describeIssues(tooDeep) };
    const bytes = Buffer.byteLength(JSON.stringify(call) ?? "");
    if (bytes > segmentLimits.callBytes)
      return {
        ok: false,
        call,
        tooLarge: true,
        reason: `call of ${bytes} bytes is over Segment's limit of ${segmentLimits.callBytes} bytes`,
      };
    const result = adapter.adapt(call, context);
    return result.ok
      ? { ok: true, touchpoints: result.touchpoints }
      : { ok: false, call, reason: describeIssues(result.issues) };
  });
}
