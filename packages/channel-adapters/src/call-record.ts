import { z } from "zod";
import { defineAdapter, touchpoint } from "./adapter-kit";
import { isoInstant, sentimentScore, text } from "./native-fields";

/** A day: no wait or call is longer (and the touchpoint keeps seconds as an Avro int). */
const maxCallSeconds = 86_400;

/** A call-center call record, as the telephony or CRM system sends it after the call. */
export const callRecordSchema = z.object({
  callId: text(100),
  startedAt: isoInstant,
  callerNumber: text(50).optional(),
  loyaltyId: text(100).optional(),
  queueWaitSeconds: z.number().int().nonnegative().max(maxCallSeconds),
  handleSeconds: z.number().int().nonnegative().max(maxCallSeconds),
  reason: z.enum(["inquiry", "complaint", "repair", "order", "cancellation", "other"]),
  resolved: z.boolean(),
  agentNotesSentiment: sentimentScore.optional(),
  csat: z.number().int().min(1).max(5).optional(),
  nps: z.number().int().min(0).max(10).optional(),
});
export type CallRecord = z.input<typeof callRecordSchema>;

function callType(reason: CallRecord["reason"], resolved: boolean) {
  if (reason === "complaint") return "complaint" as const;
  if (reason === "repair") return resolved ? ("service_resolved" as const) : ("service_request" as const);
  return "call" as const;
}

/** One call is one touchpoint; the wait, the handling time and the outcome are how it felt. */
export const callRecordAdapter = defineAdapter("phone", callRecordSchema, (call, context, issues) => {
  const phoneHash = issues.hashed(call.callerNumber, context.hash.phone, "callerNumber", "phone number");
  if (!call.loyaltyId && !call.callerNumber)
    issues.add("", "needs a callerNumber or loyaltyId to know who called");
  return [
    touchpoint(
      {
        eventId: `phone:${call.callId}`,
        occurredAt: call.startedAt,
        channel: "phone",
        type: callType(call.reason, call.resolved),
        identifiers: {
          loyaltyId: call.loyaltyId ?? null,
          emailHash: null,
          phoneHash,
          deviceId: null,
          socialHandle: null,
        },
        sentiment: call.agentNotesSentiment ?? null,
        experience: {
          satisfaction: call.csat ?? null,
          effort: null,
          nps: call.nps ?? null,
          waitSeconds: call.queueWaitSeconds,
          handleSeconds: call.handleSeconds,
          resolved: call.resolved,
        },
        attributes: { reason: call.reason },
      },
      context,
    ),
  ];
});
