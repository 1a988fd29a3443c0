// The property tests' budget: bounded for CI (npm test stays within minutes on 2 cores); VSWAP_RUNS raises it.
export const RUNS = Number(process.env.VSWAP_RUNS ?? 300);
