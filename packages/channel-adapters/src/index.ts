import type { Channel } from "@cx/contracts";
import { callRecordAdapter } from "./call-record";
import type { ChannelAdapter } from "./channel-adapter";
import { socialWebhookAdapter } from "./social-webhook";
import { storeReceiptAdapter } from "./store-receipt";
import { webAnalyticsAdapter } from "./web-analytics";

export { type CallRecord, callRecordAdapter } from "./call-record";
export type { AdapterContext, AdapterResult, ChannelAdapter } from "./channel-adapter";
export {
  createIdentifierHasher,
  type IdentifierHasher,
  normaliseEmail,
  normalisePhone,
} from "./identifier-hasher";
export { currencyCode, isoInstant, majorUnits, text } from "./native-fields";
export {
  consentEvent,
  createSegmentAdapter,
  type SegmentAdapterOptions,
  type SegmentCallInput,
  type SegmentCallType,
  segmentCallTypes,
} from "./segment";
export { type SocialWebhook, socialWebhookAdapter } from "./social-webhook";
export { type StoreReceipt, storeReceiptAdapter } from "./store-receipt";
export { type WebAnalyticsSession, webAnalyticsAdapter } from "./web-analytics";

export const adaptersByChannel: Record<Channel, ChannelAdapter> = {
  store: storeReceiptAdapter,
  phone: callRecordAdapter,
  web: webAnalyticsAdapter,
  social: socialWebhookAdapter,
};
