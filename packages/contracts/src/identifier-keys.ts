import type { Touchpoint } from "./touchpoint";

/** Identifier kinds, strongest evidence of identity first. */
export const identifierKinds = ["loyalty", "email", "phone", "device", "social"] as const;
export type IdentifierKind = (typeof identifierKinds)[number];

const fieldOf: Record<IdentifierKind, keyof Touchpoint["identifiers"]> = {
  loyalty: "loyaltyId",
  email: "emailHash",
  phone: "phoneHash",
  device: "deviceId",
  social: "socialHandle",
};

const prefixOf = Object.fromEntries(identifierKinds.map((kind) => [kind, `${kind}:`])) as Record<
  IdentifierKind,
  string
>;

/**
 * Every identifier of a touchpoint as "kind:value", strongest first. The kind prefix keeps equal
 * strings of different kinds (a loyalty number that looks like a device id) apart.
 */
export function identifierKeys(identifiers: Touchpoint["identifiers"]): string[] {
  // A plain loop: this runs for every touchpoint in every stage.
  const keys: string[] = [];
  for (const kind of identifierKinds) {
    const value = identifiers[fieldOf[kind]];
    // join writes one flat string: `+` makes a rope of the two parts, which the identity graph and
    // the profile would otherwise keep (rope, parts and the flat copy a Map lookup makes) for
    // every identifier they hold.
    if (value) keys.push([prefixOf[kind], value].join(""));
  }
  return keys;
}

export function identifierKind(key: string): IdentifierKind {
  const kind = key.slice(0, key.indexOf(":"));
  if (!(identifierKinds as readonly string[]).includes(kind))
    throw new Error(`not an identifier key: ${key}`);
  return kind as IdentifierKind;
}

/**
 * The Kafka key of a touchpoint before identities are stitched: its strongest identifier. Records of
 * one identifier share a partition and keep their order.
 */
export function customerKey(identifiers: Touchpoint["identifiers"]): string {
  return identifierKeys(identifiers)[0] ?? "unidentified";
}
