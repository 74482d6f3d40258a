// The procedure editor's model is the definition itself, a plain JSON object: each control
// reads and writes one JSON path in it, so whatever no control shows stays as it was.
// Paths are arrays of segments (a string: a key; a number: an array index) and are
// written the way the validator names them: $.steps.revision.deadline_days, $.requirements[0].code.

export function pathText(segments) {
  return `$${segments.map((part) => (typeof part === "number" ? `[${part}]` : `.${part}`)).join("")}`;
}

// "$.a.b[2].c" → ["a", "b", 2, "c"] (keys with dots cannot be told apart, as in the validator's paths).
export function parsePath(text) {
  const segments = [];
  const pattern = /\.([^.[\]]+)|\[(\d+)\]/g;
  let match;
  while ((match = pattern.exec(String(text).replace(/^\$/, "")))) segments.push(match[2] !== undefined ? Number(match[2]) : match[1]);
  return segments;
}

export const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

export function getAt(root, segments) {
  let node = root;
  for (const part of segments) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, part)) return undefined;
    node = node[part];
  }
  return node;
}

// Sets the value, making the objects on the way that are missing (never replacing a value that is there).
export function setAt(root, segments, value) {
  let node = root;
  segments.slice(0, -1).forEach((part, index) => {
    if (node[part] === null || typeof node[part] !== "object") node[part] = typeof segments[index + 1] === "number" ? [] : {};
    node = node[part];
  });
  node[segments.at(-1)] = value;
}

export function deleteAt(root, segments) {
  const parent = getAt(root, segments.slice(0, -1));
  if (parent === null || typeof parent !== "object") return;
  const last = segments.at(-1);
  if (Array.isArray(parent)) parent.splice(last, 1);
  else delete parent[last];
}

// Rewrites an object's keys in a new order, in place (its parent keeps the same object).
function reorder(object, entries) {
  for (const key of Object.keys(object)) delete object[key];
  for (const [key, value] of entries) object[key] = value;
}

// Renames a key where it stands (the order of keys is the order fields are shown in).
export function renameKey(object, from, to) {
  if (from === to || !isObject(object) || Object.hasOwn(object, to)) return false;
  reorder(
    object,
    Object.entries(object).map(([key, value]) => [key === from ? to : key, value]),
  );
  return true;
}

// Moves a key (of an object) or an item (of an array) one place up (-1) or down (+1).
export function move(container, key, delta) {
  if (Array.isArray(container)) {
    const target = key + delta;
    if (target < 0 || target >= container.length) return false;
    [container[key], container[target]] = [container[target], container[key]];
    return true;
  }
  const entries = Object.entries(container);
  const index = entries.findIndex(([name]) => name === key);
  const target = index + delta;
  if (index < 0 || target < 0 || target >= entries.length) return false;
  [entries[index], entries[target]] = [entries[target], entries[index]];
  reorder(container, entries);
  return true;
}

// A name not taken in `object`: base_1, base_2, …
export function freeKey(object, base) {
  let n = 1;
  while (Object.hasOwn(object || {}, `${base}_${n}`)) n += 1;
  return `${base}_${n}`;
}

// The definition as the JSON tab shows it and a draft sends it.
export function render(definition) {
  return JSON.stringify(definition, null, 2);
}
