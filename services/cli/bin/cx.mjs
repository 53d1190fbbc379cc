#!/usr/bin/env node
// Runs the TypeScript command line directly (no build step), like every other entry point here.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
