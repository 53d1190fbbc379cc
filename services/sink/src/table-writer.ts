import { createHash } from "node:crypto";
import type { ClickHouse } from "@cx/clickhouse";
import { type DeadLetterPublisher, type DecodedRecord, deadLetterOf, isTransientError } from "@cx/kafka";
import type { Logger } from "@cx/logging";
import { cancelStageChanges, closeCustomers, closedCustomers } from "./erasure";
import { newRows, type RowIdentity } from "./event-dedup";
import type { profileRow, stageChangeRow } from "./output-rows";
import { insertIsolatingRejects, isRowRejection } from "./rejected-rows";
import type { TableFeed } from "./table-feeds";
import type { ItemOutcome } from "./write-batcher";

/** A run of one partition's records bound for one table, with their rows. */
export interface TableRows {
  readonly feed: TableFeed;
  /** `topic/partition`. */
  readonly origin: string;
  /** `topic/partition/first-last`: the run's deduplication token when it is inserted alone. */
  readonly range: string;
  readonly records: readonly DecodedRecord<unknown>[];
  readonly rows: readonly object[];
}

/** What became of a run's rows. */
export interface RowsWritten {
  rows: number;
  repeated: number;
  rejected: number;
  erasedBefore: number;
}

export interface TableWriterDeps {
  readonly clickhouse: ClickHouse;
  readonly deadLetters: DeadLetterPublisher;
  readonly logger: Logger;
  /** Whether a row is about a customer erased after its time (such rows are not written). */
  readonly erasedBefore: (about: { customerId: string; at: string }) => boolean;
  /** Identities per "which of these does the table hold" query (default 20,000). */
  readonly lookUpMaxRows?: number;
}

/**
 * Identities asked about per look-up: the embedded engine answered 40,000 in a fraction of a second
 * but took 30 s and more for 50,000 against a table of 100,000 rows (measured), so a large insert's
 * look-up goes in parts.
 */
const defaultLookUpMaxRows = 20_000;

interface Candidate {
  readonly run: number;
  readonly record: DecodedRecord<unknown>;
  readonly row: object;
}

/**
 * Writes runs of many partitions and topics with one insert per table. A table's insert is named by
 * a hash of its runs' ranges, so a retried flush of the same runs writes nothing twice. If it fails
 * for any reason but an outage, each run is inserted alone (with its own range as token) so that
 * only the run at fault fails, and rows ClickHouse refuses are dead-lettered.
 */
export function createTableWriter(deps: TableWriterDeps) {
  const { clickhouse, deadLetters, logger, lookUpMaxRows = defaultLookUpMaxRows } = deps;

  async function withoutStoredEvents(
    table: string,
    candidates: Candidate[],
    identity: RowIdentity<never>,
  ): Promise<Candidate[]> {
    const rows = candidates.map((candidate) => candidate.row as never);
    const held = new Set<string>();
    for (let from = 0; from < rows.length; from += lookUpMaxRows) {
      const { query, params } = identity.stored(table, rows.slice(from, from + lookUpMaxRows));
      const result = await clickhouse.client.query({ query, query_params: params, format: "JSONEachRow" });
      for (const row of await result.json<{ key: string }>()) held.add(row.key);
    }
    return newRows(rows, identity, held).map((index) => candidates[index] as Candidate);
  }

  /** Customers merged into another leave the per-stage counts (the survivor is counted). */
  async function closeMergedAway(rows: readonly object[], token: string): Promise<void> {
    const merged = (rows as ReturnType<typeof profileRow>[]).filter((row) => row.merged_into !== null);
    await closeCustomers(
      clickhouse,
      merged.map((row) => ({ customerId: row.customer_id, at: Date.parse(row.updated_at) })),
      "merged",
      `merged/${token}`,
    );
  }

  /**
   * A stage change can reach ClickHouse after its customer was closed as merged away (the topics
   * are read side by side): its count is cancelled as of the closing, as if it had come in time.
   */
  async function cancelLateStageChanges(rows: readonly object[], token: string): Promise<void> {
    const changes = rows as ReturnType<typeof stageChangeRow>[];
    const closedAt = await closedCustomers(
      clickhouse,
      changes.map((row) => row.customer_id),
    );
    const late = changes.filter((row) => closedAt.has(row.customer_id));
    await cancelStageChanges(
      clickhouse,
      late.map((row) => ({
        customerId: row.customer_id,
        at: closedAt.get(row.customer_id) as number,
        from: row.from_stage,
        to: row.to_stage,
      })),
      `late-stage-changes/${token}`,
    );
  }

  /**
   * What a table's insert does first, reading rows of other tables: closing customers merged away
   * reads the stage changes written before, and a late stage change reads the closings. These
   * tables are written in turn (see writeTables).
   */
  const stepsBeforeInsert = new Map<string, (rows: readonly object[], token: string) => Promise<void>>([
    ["customer_profiles", closeMergedAway],
    ["lifecycle_stage_changes", cancelLateStageChanges],
  ]);

  /** Inserts one run alone; rows ClickHouse refuses go to the dead-letter topic with its reason. */
  async function insertRun(table: string, run: TableRows, candidates: readonly Candidate[]): Promise<number> {
    const rejected = await insertIsolatingRejects(
      candidates.map((candidate) => candidate.row),
      (values, token) => clickhouse.insertRows({ table, rows: values, token }),
      run.range,
      (index) => `${run.origin}/${candidates[index]?.record.offset}`,
    );
    if (rejected.length === 0) return 0;
    await deadLetters.publish(
      rejected.map(({ index, reason }) => {
        const { record } = candidates[index] as Candidate;
        return deadLetterOf(record, reason, "sink");
      }),
    );
    for (const { reason } of rejected)
      logger.warn({ table, origin: run.origin, reason }, "dead-lettered a row");
    return rejected.length;
  }

  async function writeTable(runs: readonly TableRows[]): Promise<ItemOutcome<RowsWritten>[]> {
    const feed = (runs[0] as TableRows).feed;
    const table = clickhouse.table(feed.table);
    const written = runs.map(() => ({ rows: 0, repeated: 0, rejected: 0, erasedBefore: 0 }));
    const candidates: Candidate[] = [];
    for (const [run, { rows, records }] of runs.entries())
      for (const [index, row] of rows.entries()) {
        const value = written[run] as RowsWritten;
        if (feed.about && deps.erasedBefore(feed.about(row as never))) {
          value.erasedBefore++;
          continue;
        }
        value.repeated++; // until it is kept
        candidates.push({ run, record: records[index] as DecodedRecord<unknown>, row });
      }
    const kept =
      feed.identity && candidates.length > 0
        ? await withoutStoredEvents(table, candidates, feed.identity)
        : candidates;
    const byRun = runs.map((): Candidate[] => []);
    for (const candidate of kept) {
      byRun[candidate.run]?.push(candidate);
      (written[candidate.run] as RowsWritten).repeated--;
    }
    const token = runsToken(feed.table, runs);
    const keptRows = kept.map((candidate) => candidate.row);
    await stepsBeforeInsert.get(feed.table)?.(keptRows, token);
    if (keptRows.length === 0) return written.map((value) => ({ ok: true, value }));
    try {
      await clickhouse.insertRows({ table, rows: keptRows, token });
      for (const [run, ofRun] of byRun.entries()) (written[run] as RowsWritten).rows = ofRun.length;
      return written.map((value) => ({ ok: true, value }));
    } catch (error) {
      if (isTransientError(error) && !isRowRejection(error)) throw error;
      if (runs.length > 1)
        logger.warn({ err: error, table, runs: runs.length }, "insert failed; inserting each run alone");
    }
    const outcomes: ItemOutcome<RowsWritten>[] = [];
    for (const [run, ofRun] of byRun.entries()) {
      const value = written[run] as RowsWritten;
      try {
        value.rejected = ofRun.length > 0 ? await insertRun(table, runs[run] as TableRows, ofRun) : 0;
        value.rows = ofRun.length - value.rejected;
        outcomes.push({ ok: true, value });
      } catch (error) {
        outcomes.push({ error });
      }
    }
    return outcomes;
  }

  /**
   * One flush: each table's runs in one insert. The tables whose inserts read other tables first
   * (stepsBeforeInsert) go one after another, in the order they first appear; every other table is written side by side
   * with them (the embedded engine inserts on threads of its own, so they overlap).
   */
  return async function writeTables(runs: readonly TableRows[]): Promise<ItemOutcome<RowsWritten>[]> {
    const byTable = new Map<string, number[]>();
    for (const [index, run] of runs.entries()) {
      const indexes = byTable.get(run.feed.table) ?? [];
      indexes.push(index);
      byTable.set(run.feed.table, indexes);
    }
    const outcomes: ItemOutcome<RowsWritten>[] = [];
    const writeOne = async (indexes: readonly number[]) => {
      let ofTable: ItemOutcome<RowsWritten>[];
      try {
        ofTable = await writeTable(indexes.map((index) => runs[index] as TableRows));
      } catch (error) {
        ofTable = indexes.map(() => ({ error }));
      }
      for (const [position, index] of indexes.entries())
        outcomes[index] = ofTable[position] as ItemOutcome<RowsWritten>;
    };
    const inTurn: (readonly number[])[] = [];
    const apart: Promise<void>[] = [];
    for (const [table, indexes] of byTable)
      if (stepsBeforeInsert.has(table)) inTurn.push(indexes);
      else apart.push(writeOne(indexes));
    await Promise.all([
      (async () => {
        for (const indexes of inTurn) await writeOne(indexes);
      })(),
      ...apart,
    ]);
    return outcomes;
  };
}

/** A run alone keeps its range as token (as when batches were inserted one by one); several, a digest of theirs. */
export function runsToken(table: string, runs: readonly Pick<TableRows, "range">[]): string {
  if (runs.length === 1) return (runs[0] as TableRows).range;
  const digest = createHash("sha256");
  for (const run of runs) digest.update(`${run.range}\n`);
  return `${table}/${runs.length}/${digest.digest("hex")}`;
}
