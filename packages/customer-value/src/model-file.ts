import { z } from "zod";
import type { BgNbdParams } from "./bgnbd";
import type { GammaGammaParams } from "./gamma-gamma";

const parameter = z.number().positive().finite();

/**
 * The parameters `cx clv fit` prints, as the enricher loads them: the same JSON, so a fit can be
 * saved with `> models.json` and used as it is. Extra keys (counts, log-likelihood) are allowed.
 */
const fittedModelsSchema = z.object({
  bgnbd: z.object({ r: parameter, alpha: parameter, a: parameter, b: parameter }),
  gammaGamma: z.object({
    p: parameter,
    q: parameter.refine((q) => q > 1, "must be above 1 (the mean spend is infinite otherwise)"),
    v: parameter,
  }),
});

export interface FittedModels {
  readonly bgnbd: BgNbdParams;
  readonly gammaGamma: GammaGammaParams;
}

/** Parses fitted parameters; throws an Error naming each bad field. */
export function parseFittedModels(json: string, source = "model file"): FittedModels {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new Error(`${source} is not JSON: ${(error as Error).message}`);
  }
  const parsed = fittedModelsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`${source} is not a fit from \`cx clv fit\`: ${problems.join("; ")}`);
  }
  const { bgnbd, gammaGamma } = parsed.data;
  return { bgnbd, gammaGamma };
}
