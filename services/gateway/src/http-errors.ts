import type { ValidationIssue } from "@cx/contracts";

/** An error with the status and JSON body the client gets. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details: { issues?: ValidationIssue[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** The body could not be read as JSON; the raw bytes still go to the dead-letter topic. */
export class UnreadableBodyError extends HttpError {
  constructor(reason: string) {
    super(400, reason);
    this.name = "UnreadableBodyError";
  }
}
