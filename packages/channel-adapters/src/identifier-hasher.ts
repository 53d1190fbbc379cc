import { createHmac } from "node:crypto";
import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js";

/**
 * Turns raw emails and phone numbers into keyed hashes at the edge, so they never enter Kafka.
 * Normalising first makes "Ann@Example.com " and "ann@example.com" one customer, and
 * "030 1234567" and "+49 30 1234567" one phone. A keyed HMAC (not a bare hash) keeps the values
 * from being reversed by hashing a list of known addresses.
 */
export interface IdentifierHasher {
  /** HMAC of the normalised address, or null when the input is not an email address. */
  email(raw: string): string | null;
  /** HMAC of the E.164 number, or null when the input is not a valid phone number. */
  phone(raw: string): string | null;
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normaliseEmail(raw: string): string | null {
  const email = raw.trim().toLowerCase();
  return emailPattern.test(email) ? email : null;
}

export function normalisePhone(raw: string, defaultCountry: CountryCode): string | null {
  const phone = parsePhoneNumberFromString(raw.trim(), defaultCountry);
  return phone?.isValid() ? phone.number : null;
}

export function createIdentifierHasher(key: string, defaultCountry: CountryCode): IdentifierHasher {
  if (key.length < 32) throw new Error("the identifier hashing key must have at least 32 characters");
  const hmac = (kind: string, value: string) =>
    createHmac("sha256", key).update(`${kind}:${value}`).digest("hex");
  return {
    email: (raw) => {
      const email = normaliseEmail(raw);
      return email === null ? null : hmac("email", email);
    },
    phone: (raw) => {
      const phone = normalisePhone(raw, defaultCountry);
      return phone === null ? null : hmac("phone", phone);
    },
  };
}
