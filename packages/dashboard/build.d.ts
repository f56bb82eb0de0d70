// Types for build.js (plain JavaScript, so `npm start` runs it with node alone).
/** Bundles src/ into dist/ (hashed assets and the index.html shell naming them). */
export function buildDashboard(): Promise<void>
