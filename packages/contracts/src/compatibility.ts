import type avro from "avsc";

export interface CompatibilityReport {
  /** New readers can read what old writers wrote. */
  readonly backward: boolean;
  /** Old readers can read what new writers write. */
  readonly forward: boolean;
  readonly problems: string[];
}

function canRead(reader: avro.Type, writer: avro.Type): string | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Avro schema resolution both ways, as avsc's resolver does it (the same rules the registry applies). */
export function checkCompatibility(previous: avro.Type, next: avro.Type): CompatibilityReport {
  const backwardProblem = canRead(next, previous);
  const forwardProblem = canRead(previous, next);
  const problems = [
    ...(backwardProblem ? [`backward: ${backwardProblem}`] : []),
    ...(forwardProblem ? [`forward: ${forwardProblem}`] : []),
  ];
  return { backward: !backwardProblem, forward: !forwardProblem, problems };
}
