import { randomUUID } from "node:crypto";
import { ConfigError, loadConfig } from "@cx/config";
import { createIdempotentProducer, createKafka, createSchemaRegistry, kafkaEnvSchema } from "@cx/kafka";
import { createLogger } from "@cx/logging";
import type { IdentityCommand } from "@cx/stage-records";
import { ensurePipelineTopics, pipelineTopics, pipelineTopicsEnvSchema, topicCodec } from "@cx/topics";
import { z } from "zod";
import { UsageError } from "./usage-error";

const commandEnvSchema = z.object({ ...kafkaEnvSchema.shape, ...pipelineTopicsEnvSchema.shape });
export type IdentityCommandEnv = z.infer<typeof commandEnvSchema>;

/** Puts an undo-merge command on the identity stage's command topic; returns the command sent. */
export async function sendUndoMerge(
  env: IdentityCommandEnv,
  mergeId: string,
  requestedBy: string,
): Promise<IdentityCommand> {
  if (!/^merge_[0-9a-f]{16}$/.test(mergeId))
    throw new UsageError(
      `${JSON.stringify(mergeId)} is not a merge id (merge_ and 16 hex digits, from cx.identity-events)`,
    );
  const kafka = createKafka(env, createLogger("cx", "error"));
  await ensurePipelineTopics(kafka, env);
  const codec = await topicCodec(
    createSchemaRegistry(env.SCHEMA_REGISTRY_URL),
    env,
    pipelineTopics.identityCommands,
  );
  const command: IdentityCommand = {
    commandId: randomUUID(),
    type: "undo_merge",
    mergeId,
    requestedBy,
    requestedAt: Date.now(),
  };
  const producer = await createIdempotentProducer(kafka);
  try {
    await producer.send({
      topic: env.IDENTITY_COMMANDS_TOPIC,
      acks: -1,
      messages: [{ key: mergeId, value: codec.encode(command) }],
    });
  } finally {
    await producer.disconnect();
  }
  return command;
}

/** What `cx identity undo-merge` does: the command from the environment's cluster, then a line of JSON. */
export async function runUndoMerge(mergeId: string, options: { by: string }): Promise<void> {
  let env: IdentityCommandEnv;
  try {
    env = loadConfig(commandEnvSchema);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  const command = await sendUndoMerge(env, mergeId, options.by);
  console.log(JSON.stringify({ sent: command.commandId, mergeId, topic: env.IDENTITY_COMMANDS_TOPIC }));
}
