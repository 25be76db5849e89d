/**
 * The loss report of an import: what the source says that the design cannot, each with where it
 * is in the source and what the design holds instead. Nothing is approximated without an entry.
 */

/** A family of losses caused by one limit of the design format (the fidelity report groups by it). */
export const LOSS_CLASSES = {
  "base-path": "The URL prefix must be `<basePath>/v<N>` with a lowercase basePath.",
  "server-url": "Servers are origins (http/https) without variables.",
  method: "Endpoints use GET, POST, PUT, PATCH or DELETE only.",
  "path-template": "Path segments are either literal or one whole {param}.",
  "operation-id": "operationIds are unique camelCase identifiers (the client's method names; not on the wire).",
  "path-param-name": "Path parameters are camelCase (the name is not on the wire).",
  "query-param-name": "Query parameters are camelCase.",
  "header-param-name": "Header names are letters, digits and dashes.",
  "cookie-param": "Parameters travel in path, query or header only.",
  "param-type": "Parameters are scalars, enums or arrays of them (no objects, no json).",
  "param-serialisation": "Parameters use the default style/explode; no content, deprecated or allowEmptyValue.",
  "media-type": "Bodies are application/json only (no XML, form, multipart or binary).",
  "bare-body": "A body or response is a named object schema (no bare arrays, maps or scalars).",
  "optional-body": "A request body is always required.",
  "body-on-get": "GET and DELETE carry no body.",
  "success-responses": "An operation has one success response: 200, 201, 202 or 204.",
  "empty-200": "A 200 or 201 response has a body.",
  "response-headers": "Response headers are the ones contractor derives (rate limit, caching, deprecation).",
  "error-model":
    "Errors are RFC 9457 problem+json with a catalog code; source error bodies, default and ranged responses are not kept.",
  "number-type":
    "There is no binary floating-point type: numbers are held as json (bodies) or decimal strings (parameters).",
  "integer-format": "Integers are int32 (`integer`) or int64 (`bigint`); unsigned and other formats are not kept.",
  "string-format":
    "Strings have the formats uuid, email, uri, date and date-time only; lengths of email and url default to 320 and 2048.",
  "enum-values": "Enum values are lowercase snake or kebab case strings.",
  composition: "No oneOf/anyOf/not, discriminators, or allOf of non-objects.",
  map: "No maps (additionalProperties) or free-form objects with properties.",
  "nested-array": "No arrays of arrays; array items carry only maxLength.",
  "property-name": "Property names are camelCase.",
  "schema-keyword":
    "No default, readOnly/writeOnly, const, exclusive bounds, multipleOf, min/maxItems, min/maxProperties.",
  example: "Examples are scalars.",
  auth: "Auth schemes are JWT bearer, OAuth2 authorization code, API key (header/query) or a cookie session; lifetimes are stated.",
  security: "An endpoint accepts any one of its schemes; no combined requirements; scopes are lowercase.",
  deprecation: "Deprecation states since when.",
  "unused-component": "Only schemas reachable from an endpoint are kept.",
  "source-invalid": "The source spec itself is invalid here.",
  unsupported: "Other OpenAPI features (callbacks, webhooks, links, per-operation servers).",
  info: "Design info: a slug name, a title of at most 120 characters and a semver version; a summary of at most 200 characters.",
} as const;

export type LossClass = keyof typeof LOSS_CLASSES;

export interface Loss {
  /** JSON pointer into the source document (RFC 6901). */
  pointer: string;
  /** What the source says that the design does not. */
  lost: string;
  /** What the design holds instead. */
  instead: string;
  /** The format limit that causes it. */
  class: LossClass;
}
