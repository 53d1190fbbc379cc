import { loadSchemaVersions } from "./schema-files";
import type { TopicContract } from "./topic-contract";

export type Channel = "store" | "phone" | "web" | "social";

export type TouchpointType =
  | "other"
  | "visit"
  | "purchase"
  | "return"
  | "service_request"
  | "service_resolved"
  | "complaint"
  | "call"
  | "web_session"
  | "page_view"
  | "cart"
  | "review"
  | "social_mention"
  | "referral"
  | "survey_response"
  | "offer_response"
  | "consent_change"
  | "erasure_request";

/** The canonical touchpoint, as schemas/touchpoint/ defines it (a test keeps the two in step). */
export interface Touchpoint {
  eventId: string;
  occurredAt: number;
  receivedAt: number;
  channel: Channel;
  type: TouchpointType;
  identifiers: {
    loyaltyId: string | null;
    emailHash: string | null;
    phoneHash: string | null;
    deviceId: string | null;
    socialHandle: string | null;
  };
  amount: { minor: number; currency: string } | null;
  sentiment: number | null;
  attributes: Record<string, string>;
}

const versions = loadSchemaVersions("touchpoint");
const newest = versions.at(-1);
if (!newest) throw new Error("schemas/touchpoint has no vN.avsc file");

export const touchpointContract: TopicContract = {
  name: "touchpoint",
  schema: newest.schema,
  type: newest.type,
};
