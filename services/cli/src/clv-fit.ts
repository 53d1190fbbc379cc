import { readFileSync } from "node:fs";
import { fitBgNbd, fitGammaGamma, summariseTransactions } from "@cx/customer-value";
import { readTransactions } from "./transactions-csv";
import { UsageError } from "./usage-error";

export interface ClvFitReport {
  customers: number;
  repeatCustomers: number;
  bgnbd: { r: number; alpha: number; a: number; b: number; logLikelihood: number };
  gammaGamma: { p: number; q: number; v: number };
}

/** Fits both models to a transaction log, as `cx clv fit` prints it. */
export function fitClvModels(csv: string, calibrationEnd: string): ClvFitReport {
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(calibrationEnd) ||
    Number.isNaN(Date.parse(`${calibrationEnd}T00:00:00Z`))
  ) {
    throw new UsageError(`--calibration-end ${JSON.stringify(calibrationEnd)} is not a date (YYYY-MM-DD)`);
  }
  const customers = summariseTransactions(readTransactions(csv), calibrationEnd);
  if (customers.length === 0) throw new UsageError(`no customer bought on or before ${calibrationEnd}`);
  const bgnbd = fitBgNbd(customers);
  const gammaGamma = fitGammaGamma(customers);
  return {
    customers: customers.length,
    repeatCustomers: customers.filter((customer) => customer.x > 0).length,
    bgnbd: { ...bgnbd.params, logLikelihood: bgnbd.logLikelihood },
    gammaGamma: { ...gammaGamma.params },
  };
}

/** What `cx clv fit` does: reads the file, fits, prints the report as one line of JSON. */
export function runClvFit(options: { input: string; calibrationEnd: string }): void {
  let csv: string;
  try {
    csv = readFileSync(options.input, "utf8");
  } catch (error) {
    throw new UsageError(
      `cannot read ${options.input}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  console.log(JSON.stringify(fitClvModels(csv, options.calibrationEnd)));
}
