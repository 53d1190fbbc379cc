export { createSegmentAdapter, type SegmentAdapterOptions } from "./segment-adapter";
export {
  type SegmentCall,
  type SegmentCallInput,
  type SegmentCallType,
  segmentCallSchema,
  segmentCallTypes,
} from "./segment-call";
export { consentEvent } from "./segment-consent";
