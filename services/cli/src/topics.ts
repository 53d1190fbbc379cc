import { createKafka, kafkaEnvSchema } from "@cx/kafka";
import { createLogger } from "@cx/logging";
import {
  ensurePipelineTopics,
  pipelineTopicList,
  pipelineTopicSpec,
  pipelineTopicsEnvSchema,
} from "@cx/topics";
import { z } from "zod";
import { commandEnv, requireBroker } from "./command-env";

const topicsEnvSchema = z.object({ ...kafkaEnvSchema.shape, ...pipelineTopicsEnvSchema.shape });

/** What `cx topics` does: creates what is missing unless --check, then the table; exit 1 if one differs. */
export async function runTopics(options: { check?: boolean }): Promise<void> {
  requireBroker();
  const env = commandEnv(topicsEnvSchema);
  const kafka = createKafka(env, createLogger("cx", "error"));
  if (!options.check) await ensurePipelineTopics(kafka, env);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const wanted = pipelineTopicList.map((entry) => ({ entry, spec: pipelineTopicSpec(entry, env) }));
    const existing = new Set(await admin.listTopics());
    const present = wanted.filter(({ spec }) => existing.has(spec.topic)).map(({ spec }) => spec.topic);
    const { topics } = await admin.fetchTopicMetadata({ topics: present });
    const policies = await admin.cleanupPolicies(present);
    const rows = wanted.map(({ entry, spec }) => {
      const partitions = topics.find((topic) => topic.name === spec.topic)?.partitions.length;
      const policy = policies.get(spec.topic);
      const compacted = policy?.includes("compact") ?? false;
      const status = !existing.has(spec.topic)
        ? "missing"
        : partitions !== spec.partitions || compacted !== (spec.compacted ?? false)
          ? "differs"
          : "ok";
      return {
        topic: spec.topic,
        key: entry.key,
        partitions: `${partitions ?? "-"} (want ${spec.partitions})`,
        compacted: `${existing.has(spec.topic) ? compacted : "-"} (want ${spec.compacted ?? false})`,
        "co-partitioned": entry.coPartitionGroup ?? "",
        status,
      };
    });
    console.table(rows);
    if (rows.some((row) => row.status !== "ok")) process.exitCode = 1;
  } finally {
    await admin.disconnect();
  }
}
