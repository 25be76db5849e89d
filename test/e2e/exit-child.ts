/** Child of the database-url signals test: exits (process.exit) while a check is on the server. */
import { withServer } from "../../generators/migrations/engine.ts";

await withServer(process.argv[2]!, async (_engine, name) => {
  process.stdout.write(`${name}\n`);
  process.exit(0);
});
