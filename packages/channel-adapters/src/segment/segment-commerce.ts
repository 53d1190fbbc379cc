import type { Touchpoint, TouchpointType } from "@cx/contracts";
import type { IssueList } from "../adapter-kit";
import { zodIssues } from "../adapter-kit";
import { type Order, orderSchema, type Product, productSchema } from "./segment-call";

/** Segment e-commerce events (spec V2) and the canonical touchpoint each one is. */
const commerceTypes: Record<string, { type: TouchpointType; sign: 1 | -1; single?: true }> = {
  "Order Completed": { type: "purchase", sign: 1 },
  "Order Refunded": { type: "return", sign: -1 },
  "Product Added": { type: "cart", sign: 1, single: true },
  "Cart Viewed": { type: "cart", sign: 1 },
  "Checkout Started": { type: "cart", sign: 1 },
};

export function isCommerceEvent(event: string): boolean {
  return event in commerceTypes;
}

const minor = (major: number) => Math.round(major * 100);

function lineItem(product: Product, sign: 1 | -1): Touchpoint["lineItems"][number] | null {
  const sku = product.sku ?? product.product_id ?? product.id;
  if (sku === undefined) return null;
  return {
    sku,
    quantity: sign * (product.quantity ?? 1),
    unitPriceMinor: minor(product.price ?? 0),
    discountMinor: 0,
  };
}

export interface CommerceFields {
  readonly type: TouchpointType;
  readonly amount: Touchpoint["amount"];
  readonly lineItems: Touchpoint["lineItems"];
  readonly orderId: string | undefined;
}

/**
 * The purchase, return or cart an e-commerce event describes. The amount is the order's `total`
 * (else `revenue`, `value`, or the sum of its products), negative for a refund; products without a
 * sku or product_id are issues, since a line item without an article is of no use to anyone.
 */
export function commerceFields(
  event: string,
  properties: Record<string, unknown> | undefined,
  defaultCurrency: string,
  issues: IssueList,
): CommerceFields | null {
  const kind = commerceTypes[event];
  if (!kind) return null;
  const parsed = orderSchema.safeParse(properties ?? {});
  if (!parsed.success) {
    for (const issue of zodIssues(parsed.error)) issues.add(`properties.${issue.path}`, issue.message);
    return null;
  }
  const order: Order = parsed.data;
  let products: Product[] = order.products ?? [];
  if (kind.single) {
    const product = productSchema.safeParse(properties ?? {});
    if (!product.success) {
      for (const issue of zodIssues(product.error)) issues.add(`properties.${issue.path}`, issue.message);
      return null;
    }
    products = [product.data];
  }
  const lineItems = products.flatMap((product, index) => {
    const item = lineItem(product, kind.sign);
    if (item === null)
      issues.add(`properties.products.${index}`, "needs a sku or product_id to name the article");
    return item === null ? [] : [item];
  });
  const productsTotal = lineItems.reduce(
    (sum, item) => sum + Math.abs(item.quantity) * item.unitPriceMinor,
    0,
  );
  const discountMinor = minor(order.discount ?? 0);
  const stated = order.total ?? order.revenue ?? order.value;
  const totalMinor = stated === undefined ? productsTotal - discountMinor : minor(Math.abs(stated));
  if (totalMinor < 0) issues.add("properties.discount", "exceeds the price of the products");
  return {
    type: kind.type,
    amount:
      totalMinor === 0 && lineItems.length === 0
        ? null
        : {
            minor: kind.sign * Math.max(totalMinor, 0),
            currency: order.currency ?? defaultCurrency,
            discountMinor,
            marginMinor: null,
          },
    lineItems,
    orderId: order.order_id,
  };
}
