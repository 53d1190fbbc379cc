import type { Type } from "avsc";

/** What a topic carries: the subject its schema is registered under, and the newest schema version. */
export interface TopicContract {
  /** Logical name of the record, also the folder under schemas/. */
  readonly name: string;
  /** The newest Avro schema as JSON, which producers register and consumers read with. */
  readonly schema: object;
  readonly type: Type;
}
