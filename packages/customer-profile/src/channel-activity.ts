import { type Channel, channels } from "@cx/contracts";

/** A customer's touchpoints on one channel, as the changelog carries them. */
export interface ChannelActivity {
  readonly firstAt: number;
  readonly lastAt: number;
  readonly touchpoints: number;
}

/**
 * A profile's channel activity in memory: four numbers per channel touched (the channel's index in
 * `channels`, its first and last touchpoint time, how many touchpoints), by channel index. One
 * array of unboxed numbers instead of an object per channel and a box per time: this is kept per
 * customer. The first and last time a customer was seen are derived from it (every touchpoint
 * has a channel).
 */
export type ChannelActivityList = readonly number[];

const stride = 4;
const channelIndex = new Map<Channel, number>(channels.map((channel, index) => [channel, index]));

/** Where `index`'s four numbers start, or where they would go (negative: -(place) - 1). */
function slotOf(activity: ChannelActivityList, index: number): number {
  for (let at = 0; at < activity.length; at += stride) {
    const existing = activity[at] as number;
    if (existing === index) return at;
    if (existing > index) return -at - 1;
  }
  return -activity.length - 1;
}

/** The activity after one more touchpoint on `channel` at `at`; the list is replaced, not changed. */
export function touchChannel(activity: ChannelActivityList, channel: Channel, at: number): number[] {
  return addActivity(activity, channelIndex.get(channel) as number, at, at, 1);
}

function addActivity(
  activity: ChannelActivityList,
  index: number,
  firstAt: number,
  lastAt: number,
  touchpoints: number,
): number[] {
  const slot = slotOf(activity, index);
  if (slot < 0) return activity.toSpliced(-slot - 1, 0, index, firstAt, lastAt, touchpoints);
  // slice keeps the numbers unboxed; assigning numbers to it does too.
  const next = activity.slice();
  next[slot + 1] = Math.min(activity[slot + 1] as number, firstAt);
  next[slot + 2] = Math.max(activity[slot + 2] as number, lastAt);
  next[slot + 3] = (activity[slot + 3] as number) + touchpoints;
  return next;
}

/** Both customers' activity, per channel: the earliest first, the latest last, touchpoints added. */
export function mergeChannelActivity(left: ChannelActivityList, right: ChannelActivityList): number[] {
  let merged = left as number[];
  for (let at = 0; at < right.length; at += stride)
    merged = addActivity(
      merged,
      right[at] as number,
      right[at + 1] as number,
      right[at + 2] as number,
      right[at + 3] as number,
    );
  return merged;
}

/** When the customer was first seen on any channel (NaN before any touchpoint). */
export function firstSeenAt(activity: ChannelActivityList): number {
  let first = Number.NaN;
  for (let at = 1; at < activity.length; at += stride)
    if (!((activity[at] as number) >= first)) first = activity[at] as number;
  return first;
}

/** When the customer was last seen on any channel (NaN before any touchpoint). */
export function lastSeenAt(activity: ChannelActivityList): number {
  let last = Number.NaN;
  for (let at = 2; at < activity.length; at += stride)
    if (!((activity[at] as number) <= last)) last = activity[at] as number;
  return last;
}

/** The activity per channel by name, as the changelog and analysts see it. */
export function channelsOf(activity: ChannelActivityList): Partial<Record<Channel, ChannelActivity>> {
  const byName: Partial<Record<Channel, ChannelActivity>> = {};
  for (let at = 0; at < activity.length; at += stride)
    byName[channels[activity[at] as number] as Channel] = {
      firstAt: activity[at + 1] as number,
      lastAt: activity[at + 2] as number,
      touchpoints: activity[at + 3] as number,
    };
  return byName;
}

/** The in-memory list of the activity per channel by name (a profile read from the changelog). */
export function channelActivityOf(byName: Partial<Record<Channel, ChannelActivity>>): number[] {
  let activity: number[] = [];
  for (const [channel, { firstAt, lastAt, touchpoints }] of Object.entries(byName) as [
    Channel,
    ChannelActivity,
  ][]) {
    const index = channelIndex.get(channel);
    if (index === undefined) throw new Error(`a profile record names an unknown channel '${channel}'`);
    activity = addActivity(activity, index, firstAt, lastAt, touchpoints);
  }
  return activity;
}
