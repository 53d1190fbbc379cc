export {
  CustomerEnricher,
  type Enrichment,
  type EnrichmentOptions,
  type ProfileSnapshot,
  type StageChange,
} from "./customer-enricher";
