/** What the identity graph did, as auditable events (the enricher publishes them). */
export type IdentityEvent =
  | {
      readonly type: "customer_created";
      readonly customerId: string;
      readonly identifiers: string[];
      readonly eventId: string;
    }
  | {
      readonly type: "identifiers_linked";
      readonly customerId: string;
      readonly identifiers: string[];
      readonly eventId: string;
    }
  | {
      readonly type: "customers_merged";
      readonly mergeId: string;
      readonly survivorId: string;
      readonly mergedId: string;
      /** The merged customer's identifiers at the time, which an undo gives back. */
      readonly movedIdentifiers: string[];
      readonly eventId: string;
    }
  | {
      readonly type: "link_blocked";
      readonly customerIds: string[];
      readonly identifiers: string[];
      readonly reason: string;
      readonly eventId: string;
    }
  | {
      readonly type: "merge_undone";
      readonly mergeId: string;
      readonly survivorId: string;
      readonly restoredId: string;
      readonly restoredIdentifiers: string[];
    };
