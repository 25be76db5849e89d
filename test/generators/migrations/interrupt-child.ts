/** Child process of the interrupt test: a long server round trip (300 entities), to be interrupted. */
import { engineCheck, generateSql, readMigrations } from "../../../generators/migrations/index.ts";
import { largeFixture, contextFor } from "../../helpers.ts";

const url = process.argv[2]!;
const files = generateSql(contextFor(largeFixture(300))).files;
const migrations = readMigrations(files, "golang-migrate");
for (;;) await engineCheck(migrations, { databaseUrl: url });
