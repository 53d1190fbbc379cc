import kafkajs from "kafkajs";

// kafkajs spreads its error classes into module.exports, which Node's ESM loader cannot see as
// named exports (tsx, `npm start`): they are taken from the default export.
const { KafkaJSNonRetriableError, KafkaJSProtocolError } = kafkajs;

/** The error kafkajs raises for a broker's error code, with its `type` and `code`. */
export function protocolError(type: string, code: number, message: string, retriable = false): Error {
  return new KafkaJSProtocolError(Object.assign(new Error(message), { type, code, retriable }));
}

export function nonRetriable(message: string): Error {
  return new KafkaJSNonRetriableError(message);
}
