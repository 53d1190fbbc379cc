import { readiness } from "@cx/observability";
import type { Producer } from "./transport";

let unnamed = 0;

/**
 * Makes a producer part of readiness from its connect until its disconnect (a deliberate
 * disconnect removes it, so letting a partition's producer go does not make the service unready).
 */
export async function connectObserved(producer: Producer, name = `idempotent #${++unnamed}`): Promise<void> {
  let state: string | undefined = "connecting";
  const removeCheck = readiness.register(`producer ${name}`, () => state);
  const disconnect = producer.disconnect.bind(producer);
  producer.disconnect = async () => {
    removeCheck();
    await disconnect();
  };
  try {
    await producer.connect();
  } catch (error) {
    removeCheck();
    throw error;
  }
  state = undefined;
}
