import digammaFunction from "@stdlib/math-base-special-digamma";
import gammaln from "@stdlib/math-base-special-gammaln";
import hyp2f1 from "@stdlib/math-base-special-hyp2f1";

export const lnGamma: (x: number) => number = gammaln;
/** ψ(x), the derivative of lnGamma: what the fits' analytic gradients need. */
export const digamma: (x: number) => number = digammaFunction;
/** Gauss's hypergeometric function 2F1(a, b; c; z), for |z| < 1. */
export const hypergeometric2F1: (a: number, b: number, c: number, z: number) => number = hyp2f1;

/** log(e^x + e^y) without overflow. */
export function logAddExp(x: number, y: number): number {
  if (x === Number.NEGATIVE_INFINITY) return y;
  if (y === Number.NEGATIVE_INFINITY) return x;
  const max = Math.max(x, y);
  return max + Math.log(Math.exp(x - max) + Math.exp(y - max));
}
