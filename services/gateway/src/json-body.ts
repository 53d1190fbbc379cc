import { UnreadableBodyError } from "./http-errors";

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Parses a request body as strict UTF-8 JSON. Node's default decoding would replace invalid bytes
 * with U+FFFD and pass a corrupted event on; a channel system must hear that its bytes were wrong.
 */
export function parseJsonBody(body: Buffer): unknown {
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch {
    throw new UnreadableBodyError("body is not valid UTF-8");
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UnreadableBodyError(`body is not valid JSON: ${(error as Error).message}`);
  }
}
