import { createRequire } from "node:module";

/** How long a coordinator, once found, is used without asking again. */
export const coordinatorKeptMs = 1000;

interface CoordinatorMetadata {
  readonly coordinator: { readonly nodeId: number };
}

interface ClusterInternals {
  findGroupCoordinatorMetadata(lookup: {
    groupId: string;
    coordinatorType?: number;
  }): Promise<CoordinatorMetadata>;
  refreshMetadata(...args: unknown[]): Promise<unknown>;
}

const kept = Symbol("coordinators kept by this cluster");
type Kept = Map<string, { readonly metadata: Promise<CoordinatorMetadata>; readonly at: number }>;

let installed = false;

/**
 * kafkajs asks a broker for the group's or transaction's coordinator (FindCoordinator) before every
 * request that goes to it: four round trips in every transaction (AddPartitionsToTxn,
 * AddOffsetsToTxn, TxnOffsetCommit, EndTxn), a third of all requests the pipeline sent at
 * 200 purchases/s, each on the decision's path. Here each client's cluster keeps what it found for
 * `coordinatorKeptMs` (the Java client keeps it until a request fails). A coordinator that moved
 * meanwhile answers NOT_COORDINATOR, which fails that request as before; kafkajs' own recovery (a
 * metadata refresh, which forgets what was kept) and its retries, or the stage's retry of the
 * batch, then find the new one.
 *
 * kafkajs (2.2.4, its last release) has no option for this; its Cluster is patched in place, once,
 * since every client it makes builds its own.
 */
export function keepCoordinatorLookups(): void {
  if (installed) return;
  installed = true;
  // The module kafkajs' own index loads (it has no "exports" map, so its files can be reached).
  const Cluster = createRequire(import.meta.url)("kafkajs/src/cluster/index.js") as {
    prototype: ClusterInternals & { [kept]?: Kept };
  };
  const proto = Cluster.prototype;
  const find = proto.findGroupCoordinatorMetadata;
  const refresh = proto.refreshMetadata;
  proto.findGroupCoordinatorMetadata = function (this: ClusterInternals & { [kept]?: Kept }, lookup) {
    this[kept] ??= new Map();
    const key = `${lookup.coordinatorType ?? 0}/${lookup.groupId}`;
    const known = this[kept].get(key);
    if (known && performance.now() - known.at < coordinatorKeptMs) return known.metadata;
    const metadata = find.call(this, lookup);
    this[kept].set(key, { metadata, at: performance.now() });
    // A failed lookup is not kept: the next request asks again.
    metadata.catch(() => {
      if (this[kept]?.get(key)?.metadata === metadata) this[kept].delete(key);
    });
    return metadata;
  };
  proto.refreshMetadata = function (this: ClusterInternals & { [kept]?: Kept }, ...args) {
    this[kept]?.clear();
    return refresh.apply(this, args);
  };
}
