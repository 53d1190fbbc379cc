export { CustomerEnricher, type Enrichment, type EnrichmentOptions } from "./customer-enricher";
export {
  type CustomerState,
  type ProfileChange,
  type ProfileOptions,
  type ProfileSnapshot,
  ProfileStore,
  type ProfileUpdate,
  type StageChange,
} from "./profile-store";
