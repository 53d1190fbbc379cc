import { lifecycleStages } from "@cx/customer-profile";
import { z } from "zod";

/** Where an offer can go out; each needs the customer's consent for that channel. */
export const deliveryChannels = ["email", "sms", "push", "phone", "post"] as const;
export type DeliveryChannel = (typeof deliveryChannels)[number];

export const offerKinds = [
  "discount",
  "service_upgrade",
  "education",
  "free_replacement",
  "early_access",
  "co_creation",
  "win_back",
  "service_recovery",
  "survey",
] as const;
export type OfferKind = (typeof offerKinds)[number];

/** Kinds that put a problem right: the only ones after a complaint (service first, cooling-off). */
export const recoveryKinds: readonly OfferKind[] = ["service_recovery", "free_replacement"];
/** Kinds that fix, ask or teach rather than sell: for negative-value customers, and without an opt-in. */
export const careKinds: readonly OfferKind[] = [...recoveryKinds, "survey", "education"];
/**
 * The family of kinds an action belongs to: putting a problem right, other care (asking, teaching),
 * or selling. Customers answer actions of a family alike (a free replacement is taken about as
 * readily as a callback), so the learner starts a new action from what its family taught it.
 */
export function offerFamily(kind: OfferKind): "recovery" | "care" | "selling" {
  if (recoveryKinds.includes(kind)) return "recovery";
  return careKinds.includes(kind) ? "care" : "selling";
}

/** What starts a decision. */
export const triggers = [
  "purchase",
  "cart",
  "complaint",
  "service_request",
  "service_resolved",
  "survey_response",
  "stage_at_risk",
  "stage_lapsed",
  "stage_won_back",
  "stage_loyal",
  "followup_survey",
  "followup_check_back",
] as const;
export type Trigger = (typeof triggers)[number];

export const numericTraits = [
  "recencyDays",
  "purchaseDays",
  /** The customer's own rhythm: mean days between purchase days (null before a second one). */
  "meanDaysBetweenPurchases",
  "netRevenueMinor",
  "averageOrderMinor",
  "returnRate",
  "discountShare",
  "averageSentiment",
  "sentimentTrend",
  "complaints",
  "paymentFailures",
  "referralsConverted",
  "socialReach",
] as const;
export type NumericTrait = (typeof numericTraits)[number];

const traitPredicate = z.object({
  trait: z.enum(numericTraits),
  op: z.enum(["<", "<=", ">", ">=", "=="]),
  value: z.number().finite(),
});
export type TraitPredicate = z.infer<typeof traitPredicate>;

const offerSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "must be lower-case letters, digits and dashes"),
    kind: z.enum(offerKinds),
    title: z.string().min(1).max(200),
    channels: z.array(z.enum(deliveryChannels)).min(1),
    triggers: z.array(z.enum(triggers)).min(1),
    eligibility: z
      .object({
        stages: z.array(z.enum(lifecycleStages)).min(1).optional(),
        tiers: z
          .array(z.enum(["top", "middle", "low", "negative"]))
          .min(1)
          .optional(),
        traits: z.array(traitPredicate).default([]),
        /** Negative-value customers get only care kinds unless an offer says otherwise. */
        allowNegativeValue: z.boolean().optional(),
      })
      .default({ traits: [] }),
    /** What the business gains when the customer accepts, and what the action costs, in minor units. */
    businessValueMinor: z.number().int().nonnegative(),
    costMinor: z.number().int().nonnegative(),
    validForHours: z
      .number()
      .positive()
      .max(24 * 365),
    caps: z
      .object({
        /** Times this offer may go to one customer within `perDays` days. */
        perCustomer: z.number().int().positive(),
        perDays: z.number().int().positive(),
      })
      .default({ perCustomer: 1, perDays: 30 }),
    /** The business's weight for this lever (e.g. push service upgrades this quarter). */
    lever: z.number().nonnegative().default(1),
  })
  .strict();
export type OfferDefinition = z.infer<typeof offerSchema>;

const catalogSchema = z
  .object({
    version: z.string().min(1),
    offers: z.array(offerSchema).min(1),
  })
  .strict()
  .superRefine((catalog, context) => {
    const seen = new Set<string>();
    for (const [index, offer] of catalog.offers.entries()) {
      if (seen.has(offer.id))
        context.addIssue({
          code: "custom",
          path: ["offers", index, "id"],
          message: `duplicate id ${offer.id}`,
        });
      seen.add(offer.id);
    }
  });
export type OfferCatalog = z.infer<typeof catalogSchema>;

/** A catalog problem, naming the entry ("offers[2] winback-10: validForHours: …"). */
export class CatalogError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid offer catalog: ${problems.join("; ")}`);
    this.name = "CatalogError";
  }
}

/** Parses and checks a catalog (the versioned JSON file); throws CatalogError naming each bad entry. */
export function parseCatalog(json: string): OfferCatalog {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new CatalogError([`not JSON: ${(error as Error).message}`]);
  }
  const parsed = catalogSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const offers = (raw as { offers?: { id?: unknown }[] })?.offers;
  throw new CatalogError(
    parsed.error.issues.map((issue) => {
      const [first, index, ...rest] = issue.path;
      if (first === "offers" && typeof index === "number") {
        const id = offers?.[index]?.id;
        const name = typeof id === "string" ? ` ${id}` : "";
        return `offers[${index}]${name}: ${rest.join(".") || "(entry)"}: ${issue.message}`;
      }
      return `${issue.path.join(".") || "(catalog)"}: ${issue.message}`;
    }),
  );
}
