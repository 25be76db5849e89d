/** A design whose free-text fields hold markup, for the XSS tests of the review page. */
import { loadDesignFile } from "../../../src/design/load.ts";
import type { Design } from "../../../src/design/schema.ts";
import { fixturePath, normalizeOrThrow } from "../../helpers.ts";

const XSS = `<script>window.__xss=1</script><img src=x onerror="window.__xss=1"> "quoted" & 'single'`;

/** The bundled example with a hostile string in every free-text field a reviewer reads. */
export async function hostileDesign() {
  const loaded = await loadDesignFile(fixturePath("listly"));
  const d = structuredClone(loaded.value) as Design;
  d.info.description = XSS;
  d.info.title = "Listly <script>window.__xss=1</script>";
  d.data.entities[0]!.description = XSS;
  d.data.entities[0]!.fields[1]!.description = XSS;
  d.data.enums![0]!.description = XSS;
  d.api.endpoints[0]!.summary = "Sign up <img src=x onerror=alert(1)>";
  d.api.endpoints[0]!.description = `${XSS} [click](javascript:alert(1)) [away](https://evil.example/x)`;
  d.api.tags![0]!.description = XSS;
  d.errors[0]!.title = XSS;
  d.errors[0]!.description = XSS;
  d.rateLimits![0]!.description = XSS;
  d.schemas![0]!.properties[0]!.description = XSS;
  d.auth!.mobileStorage = XSS;
  d.architecture!.summary = XSS;
  d.architecture!.decisions![0]!.rationale = XSS;
  d.architecture!.scaling![0] = XSS;
  return normalizeOrThrow(d);
}
