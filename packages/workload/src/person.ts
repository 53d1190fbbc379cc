import { createHmac } from "node:crypto";
import type { Touchpoint } from "@cx/contracts";
import type { CustomerKind } from "./kinds";

/** 32-bit mix of integers (murmur3's finaliser over a running hash): seeds per person and per decision. */
export function mix32(...values: readonly number[]): number {
  let hash = 0x9e3779b9;
  for (const value of values) {
    hash = Math.imul(hash ^ (value >>> 0), 0x85ebca6b);
    hash ^= hash >>> 13;
    hash = Math.imul(hash, 0xc2b2ae35);
    hash ^= hash >>> 16;
  }
  return hash >>> 0;
}

/** FNV-1a of a string, for turning ids into seeds. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  }
  return hash >>> 0;
}

/** The identifiers a person has, raw ones kept only as their keyed hashes (computed on first use). */
export interface PersonIdentity {
  readonly loyaltyId: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly deviceIds: readonly string[];
  readonly socialHandle: string | null;
}

/**
 * One person of the workload's population. Emails and phone numbers are hashed with the keyed HMAC
 * the gateway uses (`HMAC-SHA256(key, "email:" + normalised address)`), so with the gateway's key
 * the hashes equal what the gateway would send for the same person.
 */
export class Person {
  private email: string | null;
  private phone: string | null;
  private emailHashed: string | null = null;
  private phoneHashed: string | null = null;

  constructor(
    /** Position in the population; persons created by referrals come after the starting ones. */
    readonly index: number,
    readonly kind: CustomerKind,
    /** When the person first shows up (the start of the period for existing customers). */
    readonly joinedAt: number,
    /** Index of the promoter who referred this person, if any. */
    readonly referredBy: number | null,
    identity: PersonIdentity,
    private readonly hashKey: string,
  ) {
    this.loyaltyId = identity.loyaltyId;
    this.email = identity.email;
    this.phone = identity.phone;
    this.deviceIds = identity.deviceIds;
    this.socialHandle = identity.socialHandle;
  }

  readonly loyaltyId: string | null;
  readonly deviceIds: readonly string[];
  readonly socialHandle: string | null;

  /** Whether the person has a phone number on file (without hashing it). */
  get hasPhone(): boolean {
    return this.phone !== null || this.phoneHashed !== null;
  }

  get emailHash(): string | null {
    if (this.emailHashed === null && this.email !== null) {
      this.emailHashed = createHmac("sha256", this.hashKey).update(`email:${this.email}`).digest("hex");
      this.email = null;
    }
    return this.emailHashed;
  }

  get phoneHash(): string | null {
    if (this.phoneHashed === null && this.phone !== null) {
      this.phoneHashed = createHmac("sha256", this.hashKey).update(`phone:${this.phone}`).digest("hex");
      this.phone = null;
    }
    return this.phoneHashed;
  }

  /** Every identifier as the pipeline keys it ("kind:value", as identifierKeys does), strongest first. */
  identifierKeys(): string[] {
    const keys: string[] = [];
    if (this.loyaltyId) keys.push(`loyalty:${this.loyaltyId}`);
    const email = this.emailHash;
    if (email) keys.push(`email:${email}`);
    const phone = this.phoneHash;
    if (phone) keys.push(`phone:${phone}`);
    for (const device of this.deviceIds) keys.push(`device:${device}`);
    if (this.socialHandle) keys.push(`social:${this.socialHandle}`);
    return keys;
  }

  /** All the person's identifiers at once (one device), e.g. for a CRM record. */
  identifiers(): Touchpoint["identifiers"] {
    return {
      loyaltyId: this.loyaltyId,
      emailHash: this.emailHash,
      phoneHash: this.phoneHash,
      deviceId: this.deviceIds[0] ?? null,
      socialHandle: this.socialHandle,
    };
  }
}
