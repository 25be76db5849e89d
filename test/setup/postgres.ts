/**
 * A throw-away PostgreSQL server for tests, from the Debian binaries (/usr/lib/postgresql/<v>/bin):
 * initdb into a temp dir (trust auth), pg_ctl start on 127.0.0.1 with a free port and the unix
 * socket in the same temp dir, pg_ctl stop and rm afterwards. As root the binaries run as the
 * `postgres` user (initdb refuses root). When the binaries are absent the result says why, so
 * only the server tests are skipped; CI (.ci/run) installs them.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type PostgresServer = { url: string; stop: () => void } | { skip: string };

function binDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], "bin") : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** Starts a server; `stop()` removes every trace of it. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = binDir();
  if (!bin) return { skip: "no PostgreSQL binaries under /usr/lib/postgresql/*/bin (CI installs Debian's postgresql)" };
  const asRoot = process.getuid?.() === 0;
  let uid: number | undefined;
  let gid: number | undefined;
  if (asRoot) {
    try {
      uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
      gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    } catch {
      return { skip: "running as root, but there is no `postgres` user to run the server as" };
    }
  }
  const run = (tool: string, args: string[]) => {
    const [cmd, argv] = asRoot
      ? ["runuser", ["-u", "postgres", "--", join(bin, tool), ...args]]
      : [join(bin, tool), args];
    execFileSync(cmd, argv, { stdio: "pipe", cwd: "/" });
  };
  const dir = mkdtempSync(join(tmpdir(), "contractor-pg-"));
  if (uid !== undefined && gid !== undefined) chownSync(dir, uid, gid);
  const data = join(dir, "data");
  const port = await freePort();
  try {
    run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"]);
    run("pg_ctl", [
      "-D",
      data,
      "-l",
      join(dir, "server.log"),
      "-w",
      "-t",
      "60",
      "-o",
      `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off`,
      "start",
    ]);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `could not start PostgreSQL from ${bin}: ${(e as { stderr?: Buffer }).stderr?.toString() ?? String(e)}`,
    );
  }
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      if (stopped) return;
      stopped = true;
      try {
        run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
