import { z } from "zod";
import { defineAdapter, touchpoint } from "./adapter-kit";
import { currencyCode, isoInstant, majorUnits, maxQuantity, text } from "./native-fields";

/** A store till receipt, as the till system sends it. */
export const storeReceiptSchema = z.object({
  receiptId: text(100),
  storeId: text(100),
  tillId: text(100).optional(),
  occurredAt: isoInstant,
  kind: z.enum(["sale", "return"]),
  loyaltyCard: text(100).optional(),
  customerEmail: text(320).optional(),
  customerPhone: text(50).optional(),
  currency: currencyCode,
  lines: z
    .array(
      z.object({
        sku: text(100),
        description: text(500).optional(),
        quantity: z.number().int().positive().max(maxQuantity),
        unitPrice: majorUnits,
        discount: majorUnits.optional(),
      }),
    )
    .min(1)
    .max(500),
  paymentStatus: z.enum(["paid", "failed"]).optional(),
  staffId: text(100).optional(),
});
export type StoreReceipt = z.input<typeof storeReceiptSchema>;

/**
 * One receipt is one touchpoint. A return is money going back, so its amount and line quantities
 * are negative; a failed payment is its own kind of contact (bad payers cost money).
 */
export const storeReceiptAdapter = defineAdapter("store", storeReceiptSchema, (receipt, context, issues) => {
  const sign = receipt.kind === "return" ? -1 : 1;
  const lineItems = receipt.lines.map((line) => ({
    sku: line.sku,
    quantity: sign * line.quantity,
    unitPriceMinor: line.unitPrice,
    discountMinor: line.discount ?? 0,
  }));
  const discountMinor = lineItems.reduce((sum, line) => sum + line.discountMinor, 0);
  const netMinor = receipt.lines.reduce(
    (sum, line) => sum + line.quantity * line.unitPrice - (line.discount ?? 0),
    0,
  );
  if (netMinor < 0) issues.add("lines", "discounts exceed the price of the goods");
  const identifiers = {
    loyaltyId: receipt.loyaltyCard ?? null,
    emailHash: issues.hashed(receipt.customerEmail, context.hash.email, "customerEmail", "email address"),
    phoneHash: issues.hashed(receipt.customerPhone, context.hash.phone, "customerPhone", "phone number"),
    deviceId: null,
    socialHandle: null,
  };
  if (!identifiers.loyaltyId && !receipt.customerEmail && !receipt.customerPhone) {
    issues.add("", "needs a loyalty card, email or phone to know whose receipt it is");
  }
  return [
    touchpoint(
      {
        eventId: `store:${receipt.receiptId}`,
        occurredAt: receipt.occurredAt,
        channel: "store",
        type:
          receipt.paymentStatus === "failed"
            ? "payment_failed"
            : receipt.kind === "return"
              ? "return"
              : "purchase",
        identifiers,
        amount: { minor: sign * netMinor, currency: receipt.currency, discountMinor, marginMinor: null },
        lineItems,
        attributes: { storeId: receipt.storeId, ...(receipt.tillId ? { tillId: receipt.tillId } : {}) },
      },
      context,
    ),
  ];
});
