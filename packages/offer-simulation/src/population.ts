import type { DeliveryChannel } from "@cx/offers";
import { seededRandom } from "@cx/random";
import { type CustomerKind, customerKinds, drawKind, kindBehaviours, mix32 } from "@cx/workload";

/** One simulated customer as the world knows them: kind and the channels they opted in to. */
export interface SimulatedCustomer {
  readonly index: number;
  readonly id: string;
  readonly kind: CustomerKind;
  readonly optedIn: readonly DeliveryChannel[];
}

/** Opt-in chances for phone calls and post, which the workload's kinds do not state. */
const phoneOptIn = 0.3;
const postOptIn = 0.4;

/** The same customers for every policy over a seed: kinds by the workload's shares, opt-ins by kind. */
export function simulatedPopulation(seed: number, customers: number): SimulatedCustomer[] {
  const shares = customerKinds.map((kind) => [kind, kindBehaviours[kind].share] as const);
  return Array.from({ length: customers }, (_, index) => {
    const random = seededRandom(mix32(seed, index, 0x9e1));
    const kind = drawKind(shares, random());
    const [email, sms, push] = kindBehaviours[kind].optIn;
    const chances: [DeliveryChannel, number][] = [
      ["email", email],
      ["sms", sms],
      ["push", push],
      ["phone", phoneOptIn * kindBehaviours[kind].phone],
      ["post", postOptIn],
    ];
    const optedIn = chances.filter(([, chance]) => random() < chance).map(([channel]) => channel);
    return { index, id: `sim_${seed}_${index}`, kind, optedIn };
  });
}
