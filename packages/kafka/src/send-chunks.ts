import type { Message, TopicMessages } from "./transport";

/**
 * Below the broker's default message.max.bytes (1 MiB), which caps one partition's record batch in
 * a produce request: kafkajs does not split a large send, so a big batch would be refused forever.
 */
export const maxRequestBytes = 512 * 1024;

const sizeOf = (message: Message) =>
  (message.value instanceof Buffer ? message.value.length : String(message.value ?? "").length) +
  String(message.key ?? "").length +
  64;

/** Splits messages for several topics into sends of at most `maxBytes` each, keeping order. */
export function chunkTopicMessages(
  topicMessages: readonly TopicMessages[],
  maxBytes: number = maxRequestBytes,
): TopicMessages[][] {
  const sends: TopicMessages[][] = [];
  let current: TopicMessages[] = [];
  let bytes = 0;
  for (const { topic, messages } of topicMessages) {
    for (const message of messages) {
      const size = sizeOf(message);
      if (bytes + size > maxBytes && bytes > 0) {
        sends.push(current);
        current = [];
        bytes = 0;
      }
      const last = current.at(-1);
      if (last?.topic === topic) last.messages.push(message);
      else current.push({ topic, messages: [message] });
      bytes += size;
    }
  }
  if (current.length > 0) sends.push(current);
  return sends;
}
