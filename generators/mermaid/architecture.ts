/**
 * The architecture flowchart (Mermaid `flowchart`, https://mermaid.js.org/syntax/flowchart.html):
 * clients, the edge (gateway, load balancer, CDN), services with their responsibilities, data
 * stores with the entities each service owns, queues and external providers, and the `uses`
 * edges between them. Node ids are fixed prefixes plus design names (`svc_lists`, `comp_redis`),
 * never free text; every label goes through `lines()`.
 */
import type { NDesign } from "../../src/design/normalize.ts";
import type { Architecture } from "../../src/design/schema.ts";
import type { COMPONENT_KINDS } from "../../src/design/schema.ts";
import { generatedHeader } from "../../src/core/artifact.ts";
import { diagram, lines } from "./text.ts";

type ComponentKind = (typeof COMPONENT_KINDS)[number];
type Client = NonNullable<Architecture["clients"]>[number];
type Service = NonNullable<Architecture["services"]>[number];
type Component = NonNullable<Architecture["components"]>[number];

type Group = "edge" | "data" | "queues" | "external";
const GROUP_TITLES: Record<Group, string> = {
  edge: "Edge",
  data: "Data stores",
  queues: "Queues",
  external: "External providers",
};

/** Where each component kind is drawn and with which node shape (`open` label `close`). */
const KIND_LAYOUT: Record<ComponentKind, { group: Group; open: string; close: string }> = {
  gateway: { group: "edge", open: "[", close: "]" },
  "load-balancer": { group: "edge", open: "[", close: "]" },
  cdn: { group: "edge", open: "[", close: "]" },
  database: { group: "data", open: "[(", close: ")]" },
  "object-storage": { group: "data", open: "[(", close: ")]" },
  search: { group: "data", open: "[(", close: ")]" },
  cache: { group: "data", open: "[[", close: "]]" },
  queue: { group: "queues", open: "[/", close: "/]" },
  email: { group: "external", open: "{{", close: "}}" },
  push: { group: "external", open: "{{", close: "}}" },
  external: { group: "external", open: "{{", close: "}}" },
};

const CLIENT_KINDS: Record<Client["kind"], string> = {
  ios: "iOS app",
  android: "Android app",
  web: "Web app",
  desktop: "Desktop app",
  partner: "Partner system",
  internal: "Internal tool",
};

const PATTERNS: Record<Architecture["pattern"], string> = {
  monolith: "monolith",
  "modular-monolith": "modular monolith",
  microservices: "microservices",
};

/** Owned entities named on a service's database edge; the rest are counted. */
const MAX_NAMED = 8;

const clientId = (c: Client) => `client_${c.name}`;
const serviceId = (s: Service) => `svc_${s.name}`;
const componentId = (c: Component) => `comp_${c.name}`;

function fallback(design: NDesign): string[] {
  const n = design.data.entities.length;
  return [
    "flowchart LR",
    `  clients(["Clients"]) --> api[${lines(design.info.title, "API")}]`,
    `  api --> db[(${lines("Database", `${n} ${n === 1 ? "entity" : "entities"}`)})]`,
  ];
}

/**
 * The architecture diagram (`diagrams/architecture.mmd`) from the design's architecture
 * section, or a minimal clients → API → database chart when it has none. Pure.
 */
export function architectureDiagram(design: NDesign): string {
  const arch = design.architecture;
  if (!arch) return diagram(generatedHeader("%%"), fallback(design));
  const clients = arch.clients ?? [];
  const services = arch.services ?? [];
  const components = arch.components ?? [];
  const out = ["flowchart LR"];
  const subgraph = (id: string, title: string, nodes: string[]) => {
    if (nodes.length === 0) return;
    out.push(`  subgraph ${id}[${lines(title)}]`, ...nodes.map((n) => `    ${n}`), "  end");
  };

  subgraph(
    "clients",
    "Clients",
    clients.map((c) => `${clientId(c)}([${lines(c.name, CLIENT_KINDS[c.kind], c.description)}])`),
  );
  const byGroup = (g: Group) =>
    components
      .filter((c) => KIND_LAYOUT[c.kind].group === g)
      .map((c) => {
        const { open, close } = KIND_LAYOUT[c.kind];
        return `${componentId(c)}${open}${lines(c.name, c.technology, c.description)}${close}`;
      });
  subgraph("edge", GROUP_TITLES.edge, byGroup("edge"));
  subgraph(
    "services",
    `Services (${PATTERNS[arch.pattern]})`,
    services.map(
      (s) => `${serviceId(s)}(${lines(s.name, s.description, ...(s.responsibilities ?? []).map((r) => `• ${r}`))})`,
    ),
  );
  const databases = components.filter((c) => c.kind === "database");
  const needsDefaultDb = databases.length === 0 && services.some((s) => (s.entities ?? []).length > 0);
  subgraph("data", GROUP_TITLES.data, [...byGroup("data"), ...(needsDefaultDb ? [`db[(${lines("database")})]`] : [])]);
  subgraph("queues", GROUP_TITLES.queues, byGroup("queues"));
  subgraph("external", GROUP_TITLES.external, byGroup("external"));

  // Clients reach the services through the gateways / load balancers, or directly; CDNs sit beside.
  const gateways = components.filter((c) => c.kind === "gateway" || c.kind === "load-balancer");
  const target = services.length > 0 ? "services" : undefined;
  if (clients.length > 0) {
    if (gateways.length > 0) for (const g of gateways) out.push(`  clients --> ${componentId(g)}`);
    else if (target) out.push(`  clients --> ${target}`);
    for (const c of components.filter((c) => c.kind === "cdn")) out.push(`  clients -.-> ${componentId(c)}`);
  }
  if (target) for (const g of gateways) out.push(`  ${componentId(g)} --> ${target}`);

  const ids = new Map<string, string>([
    ...services.map((s) => [s.name, serviceId(s)] as const),
    ...components.map((c) => [c.name, componentId(c)] as const),
  ]);
  const isDatabase = new Set(databases.map((c) => c.name));
  for (const s of services) {
    const owns = s.entities ?? [];
    const named =
      owns.length > MAX_NAMED
        ? `${owns.slice(0, MAX_NAMED).join(", ")} and ${owns.length - MAX_NAMED} more`
        : owns.join(", ");
    const ownsLabel = owns.length > 0 ? `|${lines(`owns ${named}`)}|` : "";
    const uses = s.uses ?? [];
    for (const u of uses) {
      const id = ids.get(u);
      if (id) out.push(`  ${serviceId(s)} -->${isDatabase.has(u) ? ownsLabel : ""} ${id}`);
    }
    if (owns.length > 0 && !uses.some((u) => isDatabase.has(u))) {
      for (const db of databases) out.push(`  ${serviceId(s)} -.->${ownsLabel} ${componentId(db)}`);
      if (needsDefaultDb) out.push(`  ${serviceId(s)} -.->${ownsLabel} db`);
    }
  }
  return diagram(generatedHeader("%%"), out);
}
