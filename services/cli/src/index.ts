export { type IdentityCommandEnv, sendUndoMerge } from "./identity-command";
