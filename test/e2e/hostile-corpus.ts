/**
 * The hostile corpus: text meant to become markup, script or a request in some artifact. Every
 * payload that runs sets `window.__pwned`, changes `document.title` to "X", logs PWNED or opens a
 * dialog, so a test can see it run.
 */
import { loadDesignFile } from "../../src/design/load.ts";
import type { Design } from "../../src/design/schema.ts";
import { fixturePath } from "../helpers.ts";
import { freeTextSlots, saturate, withText, withValueFields, type Slot } from "../property/free-text.ts";

export const PAYLOADS: readonly string[] = [
  // The issue's: an unequal backtick run is no code span, so the tag was raw HTML.
  'Info ``<img src="assets/mermaid.min.js" onerror="document.title=\'X\'">`',
  "<script>window.__pwned=1;console.log('PWNED')</script>",
  "\n\n<script>alert(1)</script>\n\n",
  '<img src=x onerror="window.__pwned=1"> <body onload=alert(1)> <details open ontoggle="window.__pwned=1">',
  "\"'><img src=x onerror=alert(1)>`",
  '<svg onload="window.__pwned=1"><script>window.__pwned=1</script></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned=1">',
  '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
  "[x](javascript:alert(1)) [y](JaVaScRiPt:window.__pwned=1) [z](data:text/html,<script>alert(1)</script>) [v](vbscript:msgbox(1)) [w](  javascript:alert(1))",
  "<javascript:alert(1)> <https://evil.example/x> https://evil.example/y ![i](https://evil.example/p.png) [r]: https://evil.example/ref",
  "</script><script>window.__pwned=1</script><!--<script>",
  '<iframe src="javascript:alert(1)"></iframe><object data="https://evil.example/o"></object><embed src=x>',
  '<a href="javascript:alert(1)">click</a><form action="https://evil.example"><button>go</button></form>',
  '<style>@import \'https://evil.example/x.css\';</style><link rel=stylesheet href=https://evil.example/x.css><meta http-equiv="refresh" content="0;url=https://evil.example"><base href="https://evil.example/">',
  "&lt;script&gt;alert(1)&lt;/script&gt; &#60;img src=x onerror=alert(1)&#62; &#x3C;svg onload=alert(1)&#x3E; &amp;",
  '%%{init: {"securityLevel":"loose", "startOnLoad": true}}%%\nclick A call alert()\nclick B href "javascript:alert(1)"',
  '"]; A-->B; click A call alert(1); %% x --> y ;; end; graph TD; classDef x fill:#f00;',
  "#lt;script#gt;alert(1)#lt;/script#gt; <br/> #quot; #35; :::x",
  "*/ alert(1); /* */ // \\ ` ${alert(1)} | || --- ``` ~~~ $x$ **b** _i_ ~~s~~ # h > q - l 1. n",
  "'; DROP TABLE users; -- \\' E'\\x27' $$ $q$ /*",
  "{{constructor.constructor('alert(1)')()}} <% alert(1) %> ]]> <![CDATA[x]]>",
  "ünïcödé 日本語 עברית 😀 𝔘 \u00a0 \u2028 \u2029 \ufeff",
];

/** The whole corpus for a slot: all payloads, starting at the slot's own, so capped slots differ. */
function corpusFor(i: number): string {
  return [...PAYLOADS.slice(i % PAYLOADS.length), ...PAYLOADS.slice(0, i % PAYLOADS.length)].join("\n");
}

/** A fixture design, every optional free-text field filled, every free-text field holding the corpus. */
export async function hostileDesign(name = "listly"): Promise<{ design: Design; slots: Slot[] }> {
  const loaded = await loadDesignFile(fixturePath(name));
  const base = withValueFields(saturate(loaded.value as Design));
  const slots = freeTextSlots(base, corpusFor(0));
  return { design: withText(base, slots, (_s, i) => corpusFor(i)), slots };
}
