import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Engine round trips, browsers and the compiler are real, so single tests can take seconds.
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
