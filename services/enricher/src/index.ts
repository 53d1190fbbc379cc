export { type EnricherEnv, enricherEnvSchema } from "./config";
export { profileOptions, startEnricher } from "./enricher";
export {
  applyIdentityCommand,
  type IdentityOutputs,
  identifyTouchpoint,
  noIdentityOutputs,
} from "./identify";
export { handleIdentified, noProfileOutputs, type ProfileOutputs, profileChangelog } from "./profile-handler";
