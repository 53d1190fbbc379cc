export * from "./delivery-records";
export * from "./enricher-records";
export * from "./offer-records";
