import type { Touchpoint } from "./touchpoint";

/**
 * The Kafka key of a touchpoint before identities are stitched: its strongest identifier, typed so
 * that equal strings from different identifier kinds never share a key. Records of one identifier
 * share a partition and keep their order.
 */
export function customerKey(identifiers: Touchpoint["identifiers"]): string {
  if (identifiers.loyaltyId) return `loyalty:${identifiers.loyaltyId}`;
  if (identifiers.emailHash) return `email:${identifiers.emailHash}`;
  if (identifiers.phoneHash) return `phone:${identifiers.phoneHash}`;
  if (identifiers.deviceId) return `device:${identifiers.deviceId}`;
  if (identifiers.socialHandle) return `social:${identifiers.socialHandle}`;
  return "unidentified";
}
