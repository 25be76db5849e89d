/**
 * Runs after `npm install` / `npm ci` in the repository (the `postprepare` script: npm runs it for
 * the project itself only, never for a package installed as a dependency, and does not count it
 * as an install script, so installing contractor-cli asks nobody to approve it; `prepare` would
 * be both): says which Node the scripts and tests run on, the `node` devDependency, and which Node
 * ran npm, when that is another one.
 */
if (["install", "ci"].includes(process.env["npm_command"] ?? "")) {
  const npmNode = /\bnode\/(v[\d.]+)/.exec(process.env["npm_config_user_agent"] ?? "")?.[1];
  const other =
    npmNode && npmNode !== process.version ? `; npm itself ran on Node ${npmNode}, which the scripts do not use` : "";
  process.stderr.write(
    `contractor: npm scripts, npx and the tests run on Node ${process.version} from node_modules/.bin (the node devDependency)${other}.\n`,
  );
}
