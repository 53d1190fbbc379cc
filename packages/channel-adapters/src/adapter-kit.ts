import {
  type Channel,
  checkTouchpoint,
  newTouchpoint,
  type Touchpoint,
  type TouchpointFields,
  type ValidationIssue,
} from "@cx/contracts";
import type { z } from "zod";
import type { AdapterContext, AdapterResult, ChannelAdapter } from "./channel-adapter";

/** A canonical touchpoint from what an adapter knows; everything it does not know is empty. */
export function touchpoint(
  fields: Omit<TouchpointFields, "receivedAt" | "sourceSystem">,
  context: AdapterContext,
): Touchpoint {
  return newTouchpoint({ receivedAt: context.receivedAt, sourceSystem: context.sourceSystem, ...fields });
}

export function zodIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
}

/** Collects issues while mapping, e.g. an email that does not normalise. */
export class IssueList {
  readonly issues: ValidationIssue[] = [];
  add(path: string, message: string): void {
    this.issues.push({ path, message });
  }
  /** The hash of an optional raw identifier, or null; an unusable value is an issue at `path`. */
  hashed(
    raw: string | undefined,
    hash: (raw: string) => string | null,
    path: string,
    what: string,
  ): string | null {
    if (raw === undefined) return null;
    const hashed = hash(raw);
    if (hashed === null) this.add(path, `is not a valid ${what}`);
    return hashed;
  }
}

/**
 * Builds a channel adapter from a native zod schema and a mapping. Every touchpoint it returns has
 * passed the canonical checks (issues prefixed "touchpoint."), and nothing it is given can make it throw.
 */
export function defineAdapter<Native extends z.ZodType>(
  channel: Channel,
  schema: Native,
  map: (native: z.output<Native>, context: AdapterContext, issues: IssueList) => Touchpoint[],
): ChannelAdapter {
  return {
    channel,
    adapt(input: unknown, context: AdapterContext): AdapterResult {
      try {
        const parsed = schema.safeParse(input);
        if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error) };
        const issues = new IssueList();
        const touchpoints = map(parsed.data, context, issues);
        if (issues.issues.length > 0) return { ok: false, issues: issues.issues };
        for (const candidate of touchpoints) {
          const checked = checkTouchpoint(candidate, context.receivedAt);
          if (!checked.ok) {
            return {
              ok: false,
              issues: checked.issues.map((issue) => ({
                path: `touchpoint.${issue.path}`.replace(/\.$/, ""),
                message: issue.message,
              })),
            };
          }
        }
        return { ok: true, touchpoints };
      } catch (error) {
        return {
          ok: false,
          issues: [{ path: "", message: `could not be adapted: ${(error as Error).message}` }],
        };
      }
    },
  };
}
