/** Case conversion shared by every generator, so one name always maps to the same identifier. */

/** `ShoppingList` → `shopping_list`, `userID` → `user_id`, `HTTPServer` → `http_server`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[-\s]+/g, "_")
    .toLowerCase();
}

export function pascalCase(name: string): string {
  return snakeCase(name)
    .split(/[_:.]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");
}

export function camelCase(name: string): string {
  const p = pascalCase(name);
  return p ? p[0]!.toLowerCase() + p.slice(1) : p;
}

/** English plural of the last word of a snake_case name (`category` → `categories`). */
export function pluralize(snake: string): string {
  const m = /^(.*?)([a-z0-9]+)$/.exec(snake);
  if (!m) return snake;
  const [, head, word] = m as unknown as [string, string, string];
  const irregular: Record<string, string> = {
    person: "people",
    child: "children",
    man: "men",
    woman: "women",
    status: "statuses",
    index: "indexes",
  };
  let plural: string;
  if (irregular[word]) plural = irregular[word];
  else if (/(s|x|z|ch|sh)$/.test(word)) plural = word + "es";
  else if (/[^aeiou]y$/.test(word)) plural = word.slice(0, -1) + "ies";
  else plural = word + "s";
  return head + plural;
}
