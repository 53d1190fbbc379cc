import type { Message } from "./transport";

/**
 * Sends messages one batch at a time: while a batch is with the broker, new messages gather, and
 * go together as the next batch when it returns ("group commit"). Under load this turns many small
 * requests into few large ones; when idle it adds no delay. Each caller's promise settles with the
 * batch that carried its messages, so nobody is told "written" before the broker said so, and
 * batches leave in arrival order, keeping each key's order.
 */
export function createGroupSender(
  send: (messages: Message[]) => Promise<void>,
  maxMessagesPerBatch = 5000,
): (messages: Message[]) => Promise<void> {
  interface Waiting {
    readonly messages: Message[];
    readonly resolve: () => void;
    readonly reject: (error: unknown) => void;
  }
  const queue: Waiting[] = [];
  let sending = false;

  const drain = async () => {
    sending = true;
    while (queue.length > 0) {
      const batch: Waiting[] = [];
      let size = 0;
      while (
        queue.length > 0 &&
        (batch.length === 0 || size + (queue[0] as Waiting).messages.length <= maxMessagesPerBatch)
      ) {
        const next = queue.shift() as Waiting;
        batch.push(next);
        size += next.messages.length;
      }
      try {
        await send(batch.flatMap((waiting) => waiting.messages));
        for (const waiting of batch) waiting.resolve();
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
    sending = false;
  };

  return (messages) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ messages, resolve, reject });
      if (!sending) void drain();
    });
}
