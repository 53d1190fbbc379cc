import type { IdentifierKind } from "@cx/contracts";

/**
 * How many identifiers of each kind one person plausibly has. A link or merge past these is more
 * likely a shared identifier (the shop's own loyalty card, a family tablet, a call-center number)
 * than one person, so it is refused and logged instead of fusing strangers into a "mega-customer".
 */
export interface IdentityLimits {
  readonly perKind: Readonly<Record<IdentifierKind, number>>;
}

export const defaultIdentityLimits: IdentityLimits = {
  perKind: { loyalty: 2, email: 3, phone: 3, device: 8, social: 4 },
};
