export { type OfferAnswerer, type OfferAnswererOptions, startOfferAnswerer } from "./offer-answers";
export { createTouchpointPublisher, type TouchpointPublisher } from "./touchpoint-publisher";
