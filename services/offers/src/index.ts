export { type OffersEnv, offerSettings, offersEnvSchema } from "./config";
export { type OffersDeps, type RunningOffers, startOffersService } from "./offers-stage";
export { PartitionOffers, type PartitionOutputs } from "./partition-offers";
