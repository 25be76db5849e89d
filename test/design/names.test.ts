import { describe, expect, it } from "vitest";
import { camelCase, pascalCase, pluralize, snakeCase } from "../../src/design/names.ts";

describe("names", () => {
  it.each([
    ["ShoppingList", "shopping_list"],
    ["userID", "user_id"],
    ["HTTPServer", "http_server"],
    ["id", "id"],
    ["createdAt", "created_at"],
    ["listing2Images", "listing2_images"],
    ["order-item", "order_item"],
    ["already_snake", "already_snake"],
  ])("snakeCase(%s) = %s", (input, want) => {
    expect(snakeCase(input)).toBe(want);
  });

  it.each([
    ["shopping_list", "ShoppingList"],
    ["listItems", "ListItems"],
    ["lists:write", "ListsWrite"],
    ["order-item", "OrderItem"],
    ["a.b_c", "ABC"],
    ["Widget", "Widget"],
  ])("pascalCase(%s) = %s", (input, want) => {
    expect(pascalCase(input)).toBe(want);
  });

  it.each([
    ["ShoppingList", "shoppingList"],
    ["order_item", "orderItem"],
    ["", ""],
  ])("camelCase(%s) = %s", (input, want) => {
    expect(camelCase(input)).toBe(want);
  });

  it.each([
    ["category", "categories"],
    ["shopping_list", "shopping_lists"],
    ["order_status", "order_statuses"],
    ["box", "boxes"],
    ["match", "matches"],
    ["wish", "wishes"],
    ["day", "days"],
    ["key", "keys"],
    ["person", "people"],
    ["sales_person", "sales_people"],
    ["child", "children"],
    ["index", "indexes"],
    ["order_item2", "order_item2s"],
    ["", ""],
  ])("pluralize(%s) = %s", (input, want) => {
    expect(pluralize(input)).toBe(want);
  });
});
