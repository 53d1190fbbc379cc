import { noExperience, type Touchpoint } from "./touchpoint";

type Essentials =
  | "eventId"
  | "occurredAt"
  | "receivedAt"
  | "channel"
  | "type"
  | "identifiers"
  | "sourceSystem";

/** What every touchpoint states; the rest defaults to "not measured" (null, [], {}). */
export type TouchpointFields = Pick<Touchpoint, Essentials> & Partial<Omit<Touchpoint, Essentials>>;

export function newTouchpoint(fields: TouchpointFields): Touchpoint {
  return {
    amount: null,
    sentiment: null,
    lineItems: [],
    experience: noExperience,
    offerResponse: null,
    consent: null,
    social: null,
    referral: null,
    attributes: {},
    ...fields,
  };
}
