// The property tests' budget: bounded for CI (npm test stays within minutes on 2 cores); VSWAP_RUNS raises it.
// A budget that is not a positive whole number would make the properties run zero times and pass: refused.
const fromEnv = process.env.VSWAP_RUNS;
export const RUNS = fromEnv === undefined || fromEnv === '' ? 300 : Number(fromEnv);
if (!/^\d+$/.test(fromEnv ?? '300') || !Number.isSafeInteger(RUNS) || RUNS < 1) {
  throw new Error(`VSWAP_RUNS must be a whole number of runs, at least 1, got '${fromEnv}'`);
}
