export { createInMemorySchemaRegistry } from "./schema-registry";
export type { InMemoryTransportOptions } from "./transport";
export { createInMemoryTransport, type InMemoryTransport } from "./transport";
