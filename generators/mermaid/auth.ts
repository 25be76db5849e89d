/**
 * The auth sequence diagram (Mermaid `sequenceDiagram`, https://mermaid.js.org/syntax/sequenceDiagram.html):
 * for each declared scheme, sign-in, an authenticated call, refresh (with rotation and reuse
 * detection where declared) and sign-out / revocation. OAuth2 follows the authorization code
 * grant (RFC 6749 §4.1) with PKCE (RFC 7636) and refresh-token rotation and reuse detection
 * (OAuth 2.0 Security BCP, RFC 9700 §4.14.2); revocation follows RFC 7009.
 * Each scheme type has one builder (a typed table), building steps as values; `serialize`
 * turns them into text in one place.
 */
import type { NDesign } from "../../src/design/normalize.ts";
import type { AuthScheme } from "../../src/design/schema.ts";
import { generatedHeader } from "../../src/core/artifact.ts";
import { diagram, text } from "./text.ts";

/** Participants, in the order they are drawn. */
const PARTICIPANTS = {
  M: "Mobile client",
  P: "Partner server",
  A: "API",
  S: "Auth service / token store",
  Z: "Authorization server",
  D: "Database",
} as const;
type Participant = keyof typeof PARTICIPANTS;

type Step =
  | { kind: "call"; from: Participant; to: Participant; text: string }
  | { kind: "reply"; from: Participant; to: Participant; text: string }
  | { kind: "note"; over: Participant[]; text: string }
  | { kind: "block"; block: "opt" | "alt" | "rect"; branches: Array<{ label: string; steps: Step[] }> };

const call = (from: Participant, to: Participant, t: string): Step => ({ kind: "call", from, to, text: t });
const reply = (from: Participant, to: Participant, t: string): Step => ({ kind: "reply", from, to, text: t });
const note = (over: Participant[], t: string): Step => ({ kind: "note", over, text: t });
const opt = (label: string, steps: Step[]): Step => ({ kind: "block", block: "opt", branches: [{ label, steps }] });
const alt = (...branches: Array<{ label: string; steps: Step[] }>): Step => ({ kind: "block", block: "alt", branches });

/** `900` → `15 min`, `2592000` → `30 days`. */
export function duration(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} day${seconds === 86400 ? "" : "s"}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

interface SchemeCtx {
  design: NDesign;
  scheme: AuthScheme;
}

/** `POST /api/v1/auth/token (signIn)` for a declared operation, else the fallback words. */
function operation(ctx: SchemeCtx, which: "signIn" | "refresh" | "signOut", fallback: string): string {
  const id = ctx.scheme.operations?.[which];
  if (!id) return fallback;
  const ep = ctx.design.api.endpoints.find((e) => e.operationId === id);
  return ep ? `${ep.method} ${ctx.design.api.versionedBasePath}${ep.path} (${id})` : id;
}

function storageNote(ctx: SchemeCtx, client: Participant): Step[] {
  return ctx.design.auth.mobileStorage ? [note([client], ctx.design.auth.mobileStorage)] : [];
}

function resourceCall(client: Participant): Step[] {
  return [call("A", "D", "read / write the resource"), reply("D", "A", "rows"), reply("A", client, "2xx response")];
}

function jwtSteps(ctx: SchemeCtx): Step[] {
  const jwt = ctx.scheme.jwt;
  const alg = jwt?.algorithm ? `${jwt.algorithm}, ` : "";
  const access = jwt ? `access token (${alg}${duration(jwt.accessTokenTtlSeconds)})` : "access token";
  const refreshTtl = jwt?.refreshTokenTtlSeconds;
  const hasRefresh =
    refreshTtl !== undefined || jwt?.refreshRotation === true || ctx.scheme.operations?.refresh !== undefined;
  const rotation = jwt?.refreshRotation === true;
  const refreshToken = `refresh token${refreshTtl ? ` (${duration(refreshTtl)})` : ""}`;
  const steps: Step[] = [
    call("M", "A", `${operation(ctx, "signIn", "sign in")} with credentials`),
    call("A", "S", "verify credentials"),
    call("S", "D", "load the account, check the password hash"),
    reply("D", "S", "account"),
    ...(hasRefresh
      ? [call("S", "D", `store the hash of a new ${refreshToken}${rotation ? ", new token family" : ""}`)]
      : []),
    reply("S", "A", hasRefresh ? `signed ${access} + ${refreshToken}` : `signed ${access}`),
    reply("A", "M", "200 tokens"),
    ...storageNote(ctx, "M"),
    call("M", "A", "API request, Authorization: Bearer <access token>"),
    call("A", "A", `verify signature${jwt?.issuer ? `, issuer ${jwt.issuer}` : ""}, expiry and scopes`),
    ...resourceCall("M"),
  ];
  if (hasRefresh) {
    const refresh: Step[] = [
      reply("A", "M", "401 unauthenticated"),
      call("M", "A", `${operation(ctx, "refresh", "refresh")} with the refresh token`),
      call("A", "S", "refresh"),
      call("S", "D", "find the token by hash"),
    ];
    const issue: Step[] = rotation
      ? [
          call("S", "D", "mark the old token rotated, store its successor in the same family"),
          reply("S", "A", `new ${access} + new refresh token`),
          reply("A", "M", "200 new tokens; the old refresh token is now spent"),
        ]
      : [reply("S", "A", `new ${access}`), reply("A", "M", "200 new access token")];
    if (rotation && jwt?.reuseDetection) {
      refresh.push(
        alt(
          {
            label: "token already rotated or revoked (reuse: likely stolen)",
            steps: [
              call("S", "D", "revoke the whole token family"),
              reply("S", "A", "reuse detected"),
              reply("A", "M", "401 unauthenticated: sign in again"),
            ],
          },
          { label: "token current and unexpired", steps: issue },
        ),
      );
    } else {
      refresh.push(
        alt(
          {
            label: "token unknown, revoked or expired",
            steps: [reply("S", "A", "invalid"), reply("A", "M", "401 unauthenticated: sign in again")],
          },
          { label: "token valid", steps: issue },
        ),
      );
    }
    steps.push(opt("access token expired", refresh));
  }
  steps.push(
    call("M", "A", `${operation(ctx, "signOut", "sign out")}${hasRefresh ? " with the refresh token" : ""}`),
    call("A", "S", "revoke"),
    ...(hasRefresh ? [call("S", "D", `set revokedAt on the token${rotation ? " family" : ""}`)] : []),
    reply("A", "M", "204 signed out"),
    call("M", "M", "discard tokens"),
    ...(jwt
      ? [
          note(
            ["M", "A"],
            `an issued access token stays valid until it expires (${duration(jwt.accessTokenTtlSeconds)})`,
          ),
        ]
      : []),
  );
  return steps;
}

function oauth2Steps(ctx: SchemeCtx): Step[] {
  const o = ctx.scheme.oauth2;
  const pkce = o?.pkce === true;
  const rotation = o?.refreshRotation === true;
  const hasRefresh = o?.refreshTokenTtlSeconds !== undefined || o?.refreshUrl !== undefined || rotation;
  const access = `access token${o?.accessTokenTtlSeconds ? ` (${duration(o.accessTokenTtlSeconds)})` : ""}`;
  const refreshToken = `refresh token${o?.refreshTokenTtlSeconds ? ` (${duration(o.refreshTokenTtlSeconds)})` : ""}`;
  const steps: Step[] = [
    ...(pkce
      ? [call("M", "M", "create a random code_verifier; code_challenge = BASE64URL(SHA-256(code_verifier))")]
      : []),
    call(
      "M",
      "Z",
      `GET ${o?.authorizationUrl ?? "authorization endpoint"} response_type=code, client_id, redirect_uri, state${pkce ? ", code_challenge, code_challenge_method=S256" : ""}`,
    ),
    call("Z", "Z", "the user signs in and consents"),
    reply("Z", "M", "redirect to redirect_uri with code and state"),
    call("M", "M", "check state"),
    call(
      "M",
      "Z",
      `POST ${o?.tokenUrl ?? "token endpoint"} grant_type=authorization_code, code${pkce ? ", code_verifier" : ""}`,
    ),
    ...(pkce ? [call("Z", "Z", "check SHA-256(code_verifier) against the stored code_challenge")] : []),
    reply("Z", "M", hasRefresh ? `${access} + ${refreshToken}` : access),
    ...storageNote(ctx, "M"),
    call("M", "A", "API request, Authorization: Bearer <access token>"),
    call("A", "Z", "validate the token (signature with cached keys, or introspection)"),
    reply("Z", "A", "valid: subject and scopes"),
    ...resourceCall("M"),
  ];
  if (hasRefresh) {
    const refreshAt = o?.refreshUrl ?? o?.tokenUrl ?? "token endpoint";
    const issue: Step[] = rotation
      ? [
          call("Z", "Z", "spend the old refresh token, issue its successor"),
          reply("Z", "M", `new ${access} + new refresh token`),
        ]
      : [reply("Z", "M", `new ${access}`)];
    const refresh: Step[] = [
      reply("A", "M", "401 unauthenticated"),
      call("M", "Z", `POST ${refreshAt} grant_type=refresh_token`),
      rotation
        ? alt(
            {
              label: "refresh token already used (reuse: likely stolen)",
              steps: [
                call("Z", "Z", "revoke every token of the grant"),
                reply("Z", "M", "400 invalid_grant: start the authorization flow again"),
              ],
            },
            { label: "refresh token current", steps: issue },
          )
        : alt(
            {
              label: "refresh token invalid or expired",
              steps: [reply("Z", "M", "400 invalid_grant: start the authorization flow again")],
            },
            { label: "refresh token valid", steps: issue },
          ),
    ];
    steps.push(opt("access token expired", refresh));
  }
  if (ctx.scheme.operations?.signOut) {
    steps.push(
      call("M", "A", operation(ctx, "signOut", "sign out")),
      call("A", "Z", "revoke the refresh token (RFC 7009)"),
      reply("A", "M", "204 signed out"),
    );
  } else {
    steps.push(call("M", "Z", "revoke the refresh token (RFC 7009 token revocation)"), reply("Z", "M", "200 revoked"));
  }
  steps.push(call("M", "M", "discard tokens"));
  return steps;
}

function apiKeySteps(ctx: SchemeCtx): Step[] {
  const k = ctx.scheme.apiKey;
  const where = k ? (k.in === "header" ? `header ${k.name}: <key>` : `query parameter ${k.name}=<key>`) : "the API key";
  return [
    call("P", "A", `API request with ${where}`),
    call("A", "S", "look up the key"),
    call("S", "D", "find the key by SHA-256 hash; check it is not revoked or expired"),
    alt(
      {
        label: "unknown, revoked or expired key",
        steps: [reply("S", "A", "invalid"), reply("A", "P", "401 unauthenticated")],
      },
      {
        label: "valid key",
        steps: [
          reply("S", "A", "partner and scopes"),
          call("A", "D", "read / write the resource"),
          reply("D", "A", "rows"),
          reply("A", "P", "2xx response"),
        ],
      },
    ),
    ...(k?.rotationDays
      ? [
          note(
            ["P", "D"],
            `rotation every ${k.rotationDays} days: a new key is issued, both keys work during the overlap, then the old key is revoked`,
          ),
        ]
      : []),
    call("S", "D", `revoke a key (${operation(ctx, "signOut", "on rotation or compromise")}): set revokedAt`),
  ];
}

function sessionSteps(ctx: SchemeCtx): Step[] {
  const s = ctx.scheme.session;
  const cookie = s?.cookieName ?? "session";
  return [
    call("M", "A", `${operation(ctx, "signIn", "sign in")} with credentials`),
    call("A", "S", "verify credentials, create a session"),
    call("S", "D", `store the session id hash${s ? ` (idle lifetime ${duration(s.ttlSeconds)})` : ""}`),
    reply("A", "M", `200, Set-Cookie: ${cookie}=<session id>; HttpOnly; Secure; SameSite=Lax`),
    call("M", "A", `API request, Cookie: ${cookie}=<session id>`),
    call("A", "S", "look up the session"),
    call(
      "S",
      "D",
      `load the session; slide its expiry${ctx.scheme.operations?.refresh ? ` (also ${operation(ctx, "refresh", "")})` : ""}`,
    ),
    alt(
      {
        label: "no such session, or idle too long",
        steps: [reply("S", "A", "invalid"), reply("A", "M", "401 unauthenticated: sign in again")],
      },
      { label: "session live", steps: [reply("S", "A", "account and scopes"), ...resourceCall("M")] },
    ),
    call("M", "A", operation(ctx, "signOut", "sign out")),
    call("A", "S", "end the session"),
    call("S", "D", "delete the session"),
    reply("A", "M", `204, Set-Cookie: ${cookie}=; Max-Age=0`),
  ];
}

const TITLES: Record<AuthScheme["type"], string> = {
  jwt: "JWT bearer tokens",
  oauth2: "OAuth2 authorization code",
  "api-key": "API key",
  session: "cookie session",
};

/** One builder per scheme type: a missing type is a compile error. */
const BUILDERS: Record<AuthScheme["type"], (ctx: SchemeCtx) => Step[]> = {
  jwt: jwtSteps,
  oauth2: oauth2Steps,
  "api-key": apiKeySteps,
  session: sessionSteps,
};

function participantsOf(steps: readonly Step[], into: Set<Participant>): void {
  for (const s of steps) {
    if (s.kind === "block") for (const b of s.branches) participantsOf(b.steps, into);
    else if (s.kind === "note") for (const p of s.over) into.add(p);
    else into.add(s.from).add(s.to);
  }
}

function serializeSteps(steps: readonly Step[], indent: string, out: string[]): void {
  for (const s of steps) {
    switch (s.kind) {
      case "call":
        out.push(`${indent}${s.from}->>${s.to}: ${text(s.text)}`);
        break;
      case "reply":
        out.push(`${indent}${s.from}-->>${s.to}: ${text(s.text)}`);
        break;
      case "note":
        out.push(`${indent}Note over ${s.over.join(",")}: ${text(s.text)}`);
        break;
      case "block":
        s.branches.forEach((b, i) => {
          out.push(`${indent}${i === 0 ? s.block : "else"} ${text(b.label)}`);
          serializeSteps(b.steps, indent + "  ", out);
        });
        out.push(`${indent}end`);
        break;
    }
  }
}

/**
 * The auth flow of every declared scheme (`diagrams/auth-flow.mmd`), one section per scheme
 * in declaration order. Pure; the Markdown generator embeds the same text.
 */
export function authFlowDiagram(design: NDesign): string {
  const sections = design.auth.schemes.map((scheme) => ({ scheme, steps: BUILDERS[scheme.type]({ design, scheme }) }));
  const used = new Set<Participant>();
  for (const s of sections) participantsOf(s.steps, used);
  if (sections.length === 0) used.add("M").add("A");
  const order = (Object.keys(PARTICIPANTS) as Participant[]).filter((p) => used.has(p));
  const first = order[0]!;
  const last = order[order.length - 1]!;
  const out = ["sequenceDiagram"];
  for (const p of order) out.push(`  participant ${p} as ${PARTICIPANTS[p]}`);
  if (sections.length === 0)
    out.push(`  Note over ${first},${last}: ${text("No auth schemes declared: every endpoint is public.")}`);
  for (const { scheme, steps } of sections) {
    out.push(`  Note over ${first},${last}: ${text(`${scheme.name}: ${TITLES[scheme.type]}`)}`);
    serializeSteps(steps, "  ", out);
  }
  return diagram(generatedHeader("%%"), out);
}
