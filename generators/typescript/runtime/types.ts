/**
 * Stands in for the generated `types.ts` while client-runtime.ts is type-checked: the declarations the client
 * runtime and its stand-ins use, in the shape emit-types.ts writes them. The error codes are the ones the runtime
 * names (its fallback by status) and the one it falls back to.
 */

export type ErrorCode =
  | "forbidden"
  | "internal-error"
  | "precondition-failed"
  | "rate-limited"
  | "unauthenticated"
  | "validation-failed";

/** An error response body: `application/problem+json` (RFC 9457) whose `code` is the error catalog. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: ErrorCode;
  errors?: ProblemFieldError[];
}

export interface ProblemFieldError {
  pointer: string;
  detail: string;
}

export interface Health {
  status: "ok" | "degraded";
}

export interface Thing {
  id: string;
  name: string;
}

export interface ThingPage {
  items: Thing[];
  nextCursor: string | null;
  hasMore: boolean;
}

/** The operations by id (emit-types.ts also writes each one's method, path, parameters and responses). */
export interface Endpoints {
  getHealth: { method: "GET"; path: "/health" };
  listThings: { method: "GET"; path: "/things" };
  getThing: { method: "GET"; path: "/things/{thingId}" };
}
