/**
 * A profile's service contacts and waiting and handling times as sums: empty until the first
 * contact or timed touchpoint, then six unboxed numbers (contacts, resolved contacts, wait seconds,
 * wait samples, handle seconds, handle samples). One array, kept only by customers who were
 * served, instead of six fields on every profile.
 */
export type ServiceSums = readonly number[];

/** The sums as the changelog carries them (fields of the profile record). */
export interface ServiceFields {
  readonly serviceContacts: number;
  readonly resolvedContacts: number;
  readonly waitSecondsTotal: number;
  readonly waitSamples: number;
  readonly handleSecondsTotal: number;
  readonly handleSamples: number;
}

const fieldOrder = [
  "serviceContacts",
  "resolvedContacts",
  "waitSecondsTotal",
  "waitSamples",
  "handleSecondsTotal",
  "handleSamples",
] as const satisfies readonly (keyof ServiceFields)[];

/** What one touchpoint adds; null when it adds nothing (most touchpoints). */
export function serviceOfTouchpoint(
  contact: boolean,
  resolved: boolean,
  waitSeconds: number | null,
  handleSeconds: number | null,
): number[] | null {
  if (!contact && waitSeconds === null && handleSeconds === null) return null;
  return [
    contact ? 1 : 0,
    contact && resolved ? 1 : 0,
    waitSeconds ?? 0,
    waitSeconds === null ? 0 : 1,
    handleSeconds ?? 0,
    handleSeconds === null ? 0 : 1,
  ];
}

/** Both sums added up (a touchpoint's to a profile's, or two customers' on a merge). */
export function addService(left: ServiceSums, right: ServiceSums | null): number[] {
  if (right === null || right.length === 0) return left as number[];
  if (left.length === 0) return right as number[];
  return left.map((value, index) => value + (right[index] as number));
}

export function serviceFields(sums: ServiceSums): ServiceFields {
  return {
    serviceContacts: sums[0] ?? 0,
    resolvedContacts: sums[1] ?? 0,
    waitSecondsTotal: sums[2] ?? 0,
    waitSamples: sums[3] ?? 0,
    handleSecondsTotal: sums[4] ?? 0,
    handleSamples: sums[5] ?? 0,
  };
}

export function serviceOfFields(fields: ServiceFields): number[] {
  const sums = fieldOrder.map((field) => fields[field]);
  return sums.every((value) => value === 0) ? [] : sums;
}
