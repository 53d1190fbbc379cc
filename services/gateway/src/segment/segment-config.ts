import { z } from "zod";
import { apiKeys } from "../config";

/**
 * The Segment-compatible routes' settings. Write keys have the API keys' form, one per source
 * system: "website:web:<writeKey>,ios-app:web:<writeKey>"; the channel is where its calls land.
 */
export const segmentEnvSchema = z.object({
  /** Unset: the Segment routes answer every call 401. */
  SEGMENT_WRITE_KEYS: z.string().min(1).pipe(apiKeys).optional(),
  /** Currency of e-commerce events that name none; Segment itself assumes USD. */
  SEGMENT_DEFAULT_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as EUR")
    .default("USD"),
});
export type SegmentEnv = z.infer<typeof segmentEnvSchema>;

/** Segment's documented limits: 32 KB per call, 500 KB per request. */
export const segmentLimits = { callBytes: 32 * 1024, requestBytes: 500 * 1024 } as const;
