import { createHash } from "node:crypto";
import type { Channel, Touchpoint, TouchpointFields } from "@cx/contracts";
import { defineAdapter, type IssueList, touchpoint } from "../adapter-kit";
import type { AdapterContext, ChannelAdapter } from "../channel-adapter";
import { pathOnly } from "../native-fields";
import { safeAttributes } from "./segment-attributes";
import { type SegmentCall, segmentCallSchema } from "./segment-call";
import { commerceFields } from "./segment-commerce";
import { consentAnswers, consentEvent, reportsConsent } from "./segment-consent";
import { offerAnswerFields } from "./segment-offer-response";

export interface SegmentAdapterOptions {
  /** The channel of the source system whose write key the call came with. */
  readonly channel: Channel;
  /** Currency of commerce events that name none (Segment assumes USD). */
  readonly defaultCurrency: string;
}

/**
 * When it happened, corrected for the device's clock the way Segment documents it:
 * timestamp = receivedAt − (sentAt − originalTimestamp). A device whose clock is an hour fast sends
 * both times an hour ahead; their difference is how long the event waited on the device.
 */
export function correctedTime(call: SegmentCall, receivedAt: number): number {
  const stamped = call.timestamp ?? call.originalTimestamp;
  if (stamped === undefined) return receivedAt;
  if (call.sentAt === undefined) return stamped;
  return receivedAt - Math.max(call.sentAt - stamped, 0);
}

/**
 * The event id: the call's messageId (Segment's idempotency key) within its source system. A call
 * without one gets a digest of its content, so sending the same call twice still counts once.
 */
function eventIdOf(call: SegmentCall, sourceSystem: string): string {
  const { sentAt: _sentAt, ...content } = call;
  const messageId =
    call.messageId ?? `sha256-${createHash("sha256").update(JSON.stringify(content)).digest("hex")}`;
  return `segment:${sourceSystem}:${messageId}`;
}

const stringOf = (value: unknown) => (typeof value === "string" ? value : undefined);

function identifiersOf(call: SegmentCall, context: AdapterContext, issues: IssueList) {
  const traits = { ...call.context?.traits, ...call.traits };
  return {
    loyaltyId: call.userId ?? null,
    emailHash: issues.hashed(stringOf(traits.email), context.hash.email, "traits.email", "email address"),
    phoneHash: issues.hashed(stringOf(traits.phone), context.hash.phone, "traits.phone", "phone number"),
    // An alias says that previousId (the anonymous id before sign-up, as analytics.js sends it) is the user.
    deviceId: (call.type === "alias" ? call.previousId : call.anonymousId) ?? null,
    socialHandle: null,
  };
}

type CallFields = Pick<TouchpointFields, "type"> & Partial<Omit<TouchpointFields, "type">>;

/** What the call itself is, before identifiers, time and consent are added. */
function callFields(
  call: SegmentCall,
  base: Record<string, string>,
  options: SegmentAdapterOptions,
  issues: IssueList,
): CallFields | null {
  switch (call.type) {
    case "page":
    case "screen": {
      const path = stringOf(call.properties?.path) ?? call.context?.page?.path;
      return {
        type: "page_view",
        attributes: {
          ...base,
          ...(path ? { path: pathOnly(path).slice(0, 1000) } : {}),
          ...(call.name ? { [call.type === "screen" ? "screen" : "page"]: call.name.slice(0, 1000) } : {}),
          ...(call.category ? { category: call.category.slice(0, 1000) } : {}),
        },
      };
    }
    case "identify":
      return { type: "other", attributes: safeAttributes(base, call.traits, "trait.") };
    case "group":
      return {
        type: "other",
        attributes: safeAttributes({ ...base, groupId: call.groupId ?? "" }, call.traits, "group."),
      };
    case "alias":
      return { type: "other", attributes: base };
    case "track": {
      const event = call.event ?? "";
      if (event === consentEvent) return null;
      const answer = offerAnswerFields(event, call.properties, options.defaultCurrency, issues);
      if (answer) return { type: "offer_response", ...answer, attributes: base };
      const commerce = commerceFields(event, call.properties, options.defaultCurrency, issues);
      if (commerce)
        return {
          type: commerce.type,
          amount: commerce.amount,
          lineItems: commerce.lineItems,
          attributes: { ...base, ...(commerce.orderId ? { orderId: commerce.orderId } : {}) },
        };
      return { type: "other", attributes: safeAttributes(base, call.properties, "property.") };
    }
  }
}

/**
 * Segment calls (track, identify, page, screen, group, alias) from one source system → canonical
 * touchpoints on that system's channel. userId is the customer's account or loyalty number and
 * anonymousId the device's; emails and phones in traits are hashed, other personal traits dropped.
 * A consent event or an identify with consent preferences adds a consent_change per scope; Offer
 * Accepted / Declined / Ignored with the webhook's decision_id and offer_id are offer responses.
 */
export function createSegmentAdapter(options: SegmentAdapterOptions): ChannelAdapter {
  return defineAdapter(options.channel, segmentCallSchema, (call, context, issues) => {
    const eventId = eventIdOf(call, context.sourceSystem);
    const common = {
      occurredAt: correctedTime(call, context.receivedAt),
      channel: options.channel,
      identifiers: identifiersOf(call, context, issues),
    };
    const base: Record<string, string> = {
      segmentCall: call.type,
      ...(call.event ? { event: call.event } : {}),
      ...(call.context?.timezone ? { timeZone: call.context.timezone } : {}),
    };
    const consent = reportsConsent(call) ? consentAnswers(call) : [];
    const fields = callFields(call, base, options, issues);
    const touchpoints: Touchpoint[] = [];
    if (fields) touchpoints.push(touchpoint({ eventId, ...common, ...fields }, context));
    else if (consent.length === 0)
      touchpoints.push(touchpoint({ eventId, ...common, type: "other", attributes: base }, context));
    for (const answer of consent)
      touchpoints.push(
        touchpoint(
          {
            eventId: `${eventId}:consent:${answer.scope}`,
            ...common,
            type: "consent_change",
            consent: answer,
            attributes: base,
          },
          context,
        ),
      );
    return touchpoints;
  });
}
