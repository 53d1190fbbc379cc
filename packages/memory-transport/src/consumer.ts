import { EventEmitter } from "node:events";
import type * as K from "@cx/kafka";
import type { PartitionLog } from "./log";
import type { Broker } from "./transport";

/** What the broker and the other members of its group ask of a member. */
export type Member = { wake(): void; isIdle(): boolean; assign(owner: boolean): void };
/** An assigned partition and the next offset to fetch from it (past the last one resolved). */
type Owned = { readonly topic: string; readonly partition: number; readonly log: PartitionLog; next: number };
type Topics = { topic: string; partitions?: number[] }[];
const eventNames = ["GROUP_JOIN", "REBALANCING", "CRASH", "END_BATCH_PROCESS"] as const;
const events = Object.fromEntries(
  eventNames.map((name) => [name, `consumer.${name.toLowerCase()}`]),
) as typeof K.consumerEvents;
/** kafkajs' default maxBytesPerPartition: a backlog comes in several batches. */
const defaultBatchBytes = 1024 * 1024;
let memberCount = 0;

/** A group member. One process needs no assignor: the newest running member owns every partition of the
 *  group's topics, whatever the strategy; the one it replaces gets none and its batch in hand is stale. */
export function createConsumer(broker: Broker, config: K.ConsumerConfig): K.Consumer {
  const { groupId } = config;
  // One partition's batch is all this transport fetches at a time: its bound is the per-partition one,
  // at most kafkajs' default. A larger bound saves a broker's round trips, which this transport has
  // none of, and would only hold more in memory at once (npm start's peak grew by 0.3 GB with 4 MiB).
  const maxBytes = Math.min(
    config.maxBytesPerPartition ?? config.maxBytes ?? defaultBatchBytes,
    defaultBatchBytes,
  );
  const [emitter, memberId] = [new EventEmitter(), `member-${++memberCount}`];
  const [topics, paused, inFlight] = [new Set<string>(), new Set<string>(), new Map<string, Promise<void>>()];
  let [assigned, fromBeginning, fetchScheduled] = [new Map<string, Owned>(), false, false];
  let runConfig: K.ConsumerRunConfig | undefined;
  let generation = 0; // changes at every assignment: a batch fetched under an earlier one is stale
  const setPaused = (pausing: boolean) => (partitions: Topics) => {
    const all = (topic: string) => broker.topic(topic).logs.map((_, partition) => partition);
    for (const { topic, partitions: numbers = all(topic) } of partitions)
      for (const partition of numbers) paused[pausing ? "add" : "delete"](`${topic}/${partition}`);
    member.wake();
  };
  const member: Member = {
    /** Fetches on the next turn of the event loop, so that other work runs between batches. */
    wake() {
      if (!fetchScheduled && runConfig) setImmediate(fetchReady);
      fetchScheduled = true;
    },
    /** No batch in hand and nothing left to fetch (paused partitions count: they will be resumed). */
    isIdle: () => inFlight.size === 0 && [...assigned.values()].every(({ log, next }) => next >= log.high),
    /** Takes every partition of the subscribed topics, from the group's commits, or gives them all up. */
    assign(owner) {
      generation++;
      if (runConfig && !owner && assigned.size > 0) emitter.emit(events.REBALANCING);
      const { committed } = broker.group(groupId);
      const memberAssignment: Record<string, number[]> = {};
      assigned = new Map();
      for (const topic of owner ? topics : [])
        for (const [partition, log] of broker.topic(topic).logs.entries()) {
          const next = committed.get(`${topic}/${partition}`) ?? (fromBeginning ? log.low() : log.high);
          assigned.set(`${topic}/${partition}`, { topic, partition, log, next });
          memberAssignment[topic] = [...(memberAssignment[topic] ?? []), partition];
        }
      if (runConfig) emitter.emit(events.GROUP_JOIN, { payload: { memberId, memberAssignment } });
      member.wake();
    },
  };
  /** Starts batches of the partitions with records to fetch, up to partitionsConsumedConcurrently at once. */
  const fetchReady = () => {
    fetchScheduled = false;
    const room = Math.max(1, runConfig?.partitionsConsumedConcurrently ?? 1) - inFlight.size;
    const ready = [...assigned].filter(
      ([key, { log, next }]) => !inFlight.has(key) && !paused.has(key) && next < log.high,
    );
    for (const [key, owned] of runConfig ? ready.slice(0, Math.max(0, room)) : []) fetch(key, owned);
    if (inFlight.size === 0) broker.changed();
  };
  const fetch = (key: string, owned: Owned) => {
    const { topic, partition, log } = owned;
    const { messages, lastOffset: last } = log.read(owned.next, maxBytes);
    const [run, assignment, highWatermark] = [runConfig, generation, `${log.high}`];
    const ended = (batchSize: number) => {
      const payload = { topic, partition, batchSize, lastOffset: last, highWatermark };
      emitter.emit(events.END_BATCH_PROCESS, { payload });
    };
    if (messages.length === 0) {
      owned.next = log.high; // only a gap left by compaction or a drop: nothing for eachBatch
      return ended(0);
    }
    const [isEmpty, firstOffset, lastOffset] = [() => false, () => messages[0]?.offset ?? null, () => last];
    const pausing = [{ topic, partitions: [partition] }];
    let resolved = false;
    const payload: K.EachBatchPayload = {
      batch: { topic, partition, highWatermark, messages, isEmpty, firstOffset, lastOffset },
      // A stale batch moves a detached Owned: the new assignment starts from the group's commits.
      resolveOffset: (offset) => {
        owned.next = Math.max(owned.next, Number(offset) + 1);
        resolved = true;
      },
      heartbeat: async () => {},
      pause: () => {
        consumer.pause(pausing);
        return () => consumer.resume(pausing);
      },
      isRunning: () => runConfig !== undefined,
      isStale: () => assignment !== generation,
    };
    const handling = (async () => {
      try {
        await run?.eachBatch(payload);
        if (run?.eachBatchAutoResolve ?? true) payload.resolveOffset(last);
        // As kafkajs with autoCommit (its default): what the batch resolved is committed after it, so
        // a reader that never commits by hand does not hold every record it read (dropConsumed).
        if ((run?.autoCommit ?? true) && resolved && !payload.isStale())
          broker.commit(groupId, topic, [{ partition, offset: `${owned.next}` }]);
        ended(messages.length);
      } catch (error) {
        // As kafkajs when it does not restart: the member leaves its group, the batch uncommitted.
        emitter.emit(events.CRASH, { payload: { error, restart: false } });
        void consumer.stop();
      } finally {
        inFlight.delete(key);
        // Its partition goes to the back of the queue, so that busy partitions take turns.
        if (assigned.get(key) === owned && assigned.delete(key)) assigned.set(key, owned);
        member.wake();
      }
    })();
    inFlight.set(key, handling);
  };
  const consumer: K.Consumer = {
    events: events as typeof K.consumerEvents,
    connect: async () => {},
    disconnect: () => consumer.stop(),
    pause: setPaused(true),
    resume: setPaused(false),
    seek({ topic, partition, offset }) {
      const owned = assigned.get(`${topic}/${partition}`);
      if (owned) owned.next = Number(offset);
      member.wake();
    },
    async subscribe(subscription) {
      for (const topic of subscription.topics) {
        topics.add(topic);
        broker.group(groupId).topics.add(topic);
      }
      fromBeginning = subscription.fromBeginning ?? false;
    },
    /** Joins the group, taking every partition over, and returns; the batches follow, as with kafkajs. */
    async run(config) {
      if (runConfig) throw new Error(`${memberId} is already running`);
      runConfig = config;
      const { members } = broker.group(groupId);
      members.at(-1)?.assign(false);
      members.push(member);
      member.assign(true);
    },
    /** Lets the batches in hand finish, then leaves the group: the next newest member takes over. */
    async stop() {
      if (!runConfig) return;
      runConfig = undefined;
      await Promise.all(inFlight.values());
      const { members } = broker.group(groupId);
      const wasOwner = members.at(-1) === member;
      members.splice(members.indexOf(member), 1);
      member.assign(false);
      if (wasOwner) members.at(-1)?.assign(true);
      broker.changed();
    },
    async commitOffsets(offsets) {
      const foreign = offsets.filter(({ topic, partition }) => !assigned.has(`${topic}/${partition}`));
      if (foreign.length > 0) throw new Error(`${memberId} does not own ${JSON.stringify(foreign)}`);
      for (const { topic, ...offset } of offsets) broker.commit(groupId, topic, [offset]);
    },
    on(event: string, listener: (event: never) => void) {
      const handler = listener as (event: unknown) => void;
      emitter.on(event, handler);
      return () => emitter.off(event, handler);
    },
  };
  return consumer;
}
