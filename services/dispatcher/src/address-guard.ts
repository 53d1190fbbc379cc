import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";

/** An endpoint resolved to an address it may not be sent to (SSRF guard). */
export class RefusedAddressError extends Error {
  constructor(
    readonly address: string,
    readonly range: string,
  ) {
    super(`address ${address} is ${range}, which endpoints may not use unless allowed`);
    this.name = "RefusedAddressError";
  }
}

/** ipaddr.js' name for the range an address is in: "unicast" for public ones, "loopback", "private", … */
export function addressRange(address: string): string {
  const parsed = ipaddr.parse(address);
  const plain =
    parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()
      ? (parsed as ipaddr.IPv6).toIPv4Address()
      : parsed;
  return plain.range();
}

/** Throws RefusedAddressError unless the address is public or its range is explicitly allowed. */
export function checkAddress(address: string, allowedRanges: ReadonlySet<string>): void {
  const range = addressRange(address);
  if (range !== "unicast" && !allowedRanges.has(range)) throw new RefusedAddressError(address, range);
}

/**
 * A DNS lookup for the HTTP client that refuses private, loopback, link-local and other non-public
 * addresses. It runs when the connection is made, so the address checked is the address connected to
 * (a name that resolves to a public address first and a private one later gains nothing).
 */
export function guardedLookup(allowedRanges: ReadonlySet<string>): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 0);
      try {
        for (const { address } of addresses) checkAddress(address, allowedRanges);
      } catch (refused) {
        return callback(refused as NodeJS.ErrnoException, "", 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const [first] = addresses;
      return callback(null, first?.address ?? "", first?.family ?? 4);
    });
  };
}
