export { type IdentityCommandEnv, sendUndoMerge } from "./undo-merge";
