import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKafka } from "@cx/kafka";
import { createLogger } from "@cx/logging";
import { testPipelineVariables, touchpointOnDay } from "@cx/testing";
import { afterAll, describe, expect, it } from "vitest";
import { runCommand } from "./support/run-command";

const scratch = mkdtempSync(join(tmpdir(), "cx-cli-test-"));
const variables = testPipelineVariables();

const cx = (args: string[], env: Record<string, string | undefined> = variables) =>
  runCommand(["cx", ...args], { ...process.env, ...env });

async function records(topic: string): Promise<number> {
  const kafka = createKafka(
    { KAFKA_BROKERS: (variables.KAFKA_BROKERS as string).split(","), KAFKA_CLIENT_ID: "cli-test" },
    createLogger("cli-test", "error"),
  );
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    return ends.reduce((sum, end) => sum + Number(end.high) - Number(end.low), 0);
  } finally {
    await admin.disconnect();
  }
}

describe("the cx command line against the real broker and registry", () => {
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const touchpoints = variables.TOUCHPOINTS_TOPIC as string;

  it("creates and checks the topics, and says what is wrong with exit codes scripts can rely on", async () => {
    const created = await cx(["topics"]);
    expect(created.code, created.output).toBe(0);
    expect(created.output).toContain(touchpoints);
    expect(created.output).not.toMatch(/missing|differs/);
    const checked = await cx(["topics", "--check"]);
    expect(checked.code, checked.output).toBe(0);
    const missing = await cx(["topics", "--check"], {
      ...variables,
      OFFERS_TOPIC: "cx-cli-test-no-such-topic",
    });
    expect(missing.code).toBe(1);
    expect(missing.output).toMatch(/cx-cli-test-no-such-topic.*missing/);
    const noBroker = await cx(["topics"], { ...variables, KAFKA_BROKERS: undefined });
    expect(noBroker.code).toBe(2);
    expect(noBroker.output).toContain("set KAFKA_BROKERS and SCHEMA_REGISTRY_URL");
  }, 120_000);

  it("produces the generated workload or a file, refuses a bad file naming the line, and replays a range", async () => {
    const generated = await cx(["produce", "--customers", "20", "--days", "10", "--seed", "3"]);
    expect(generated.code, generated.output).toBe(0);
    const sent = Number(/sent (\d+) touchpoints/.exec(generated.output)?.[1]);
    expect(sent).toBeGreaterThan(20);
    expect(await records(touchpoints)).toBe(sent);

    const file = join(scratch, "touchpoints.jsonl");
    writeFileSync(
      file,
      `${[touchpointOnDay(0), touchpointOnDay(1)].map((t) => JSON.stringify(t)).join("\n")}\n`,
    );
    const fromFile = await cx(["produce", "--file", file]);
    expect(fromFile.code, fromFile.output).toBe(0);
    expect(await records(touchpoints)).toBe(sent + 2);

    const bad = join(scratch, "bad.jsonl");
    writeFileSync(bad, `${JSON.stringify(touchpointOnDay(0))}\n{"eventId": 5}\n`);
    const refused = await cx(["produce", "--file", bad]);
    expect(refused.code).toBe(2);
    expect(refused.output).toContain(`${bad}:2 is not a valid touchpoint`);
    expect(await records(touchpoints)).toBe(sent + 2);

    const replayed = await cx(["replay", "--topic", touchpoints, "--partition", "0", "--to-offset", "2"]);
    expect(replayed.code, replayed.output).toBe(0);
    expect(replayed.output).toContain("replayed 3 records");
    expect(await records(touchpoints)).toBe(sent + 5);
  }, 180_000);
});
