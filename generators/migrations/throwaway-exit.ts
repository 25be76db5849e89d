/**
 * Started detached by throwaway.ts when a process exits while its checks may still use a server:
 * drops that process's throw-away databases and schemas (the prefix and URLs come in
 * CONTRACTOR_THROWAWAY_CLEANUP), then exits.
 */
import { dropOwn } from "./throwaway.ts";

const { prefix, urls } = JSON.parse(process.env.CONTRACTOR_THROWAWAY_CLEANUP ?? "{}") as {
  prefix?: string;
  urls?: string[];
};
if (prefix && urls?.length) await dropOwn(urls, prefix).catch(() => undefined);
process.exit(0);
