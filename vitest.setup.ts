// Fixes fast-check's seed for the whole run so property failures are reproducible.
// VSWAP_SEED (CI sets it) pins the seed; without it a random seed is drawn once per worker and printed.
import fc from 'fast-check';

const fromEnv = process.env.VSWAP_SEED;
const seed = fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : (Math.random() * 0x7fffffff) | 0;
if (!Number.isInteger(seed)) {
  throw new Error(`VSWAP_SEED must be an integer, got '${fromEnv}'`);
}
const g = globalThis as { __vswapSeedPrinted?: boolean };
if (!g.__vswapSeedPrinted) {
  g.__vswapSeedPrinted = true;
  if (fromEnv === undefined || fromEnv === '') console.log(`fast-check seed: ${seed} (set VSWAP_SEED=${seed} to reproduce)`);
}
fc.configureGlobal({ seed });
