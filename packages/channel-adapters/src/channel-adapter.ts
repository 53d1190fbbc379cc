import type { Channel, Touchpoint, ValidationIssue } from "@cx/contracts";
import type { IdentifierHasher } from "./identifier-hasher";

export interface AdapterContext {
  readonly hash: IdentifierHasher;
  /** When the gateway received the event, epoch ms; becomes every touchpoint's receivedAt. */
  readonly receivedAt: number;
  /** Name of the channel system that sent it (its API key name). */
  readonly sourceSystem: string;
}

/**
 * One native event becomes one or more touchpoints (a web analytics batch holds many hits), or is
 * rejected with issues whose paths point into the native payload.
 */
export type AdapterResult =
  | { readonly ok: true; readonly touchpoints: Touchpoint[] }
  | { readonly ok: false; readonly issues: ValidationIssue[] };

export interface ChannelAdapter {
  readonly channel: Channel;
  /** Must never throw: any input gives touchpoints or issues. */
  adapt(native: unknown, context: AdapterContext): AdapterResult;
}
