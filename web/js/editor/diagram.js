// The workflow of a procedure drawn as the compiled state machine will run it (the
// preview report's `diagram`): steps top to bottom, parallel branches side by side, each
// step's agency and deadline in words, and what the authority's silence means as dashed
// lines. Shape, text and line style carry the meaning, so it reads without colour; the
// text alternative follows the drawing as an ordered list, one sentence per step.

import { h, uid } from "../dom.js";
import { pick, t, tn } from "../i18n.js";

const SVG = "http://www.w3.org/2000/svg";
const NODE_WIDTH = 210;
const COLUMN_GAP = 80;
const ROW_GAP = 100;
const MARGIN = 24;
const LANE_GAP = 18;
const LINE_HEIGHT = 16;
const CHARS_PER_LINE = 26;

function svg(tag, attrs = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(name, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

// What the silence of the authority leads to is told by the edge's label; a back end that
// says it outright (`kind: "deadline"`) is believed first.
export function isSilenceEdge(edge) {
  if (edge.kind) return edge.kind === "deadline" || edge.kind === "ficta";
  return /ficta|plazo vencido/i.test(edge.label?.es || "") || /deemed|deadline passed/i.test(edge.label?.en || "");
}

function wrap(text, width = CHARS_PER_LINE) {
  const lines = [];
  let line = "";
  for (const word of String(text).split(/\s+/).filter(Boolean)) {
    if (line && `${line} ${word}`.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.length ? lines : [""];
}

// The lines written in a node: its name, then who and how long, then what silence means.
function nodeLines(node) {
  const name = wrap(pick(node.name) || node.id);
  const who = [];
  if (node.kind !== "end" && node.kind !== "parallel") who.push(capitalised(t(`diagram.kind.${KINDS.has(node.kind) ? node.kind : "other"}`)));
  if (node.agency) who.push(node.agency);
  const extra = who.length ? wrap(who.join(" · "), CHARS_PER_LINE + 4) : [];
  if (node.deadline_days !== null && node.deadline_days !== undefined) extra.push(tn("days.business", node.deadline_days));
  if (node.on_deadline) extra.push(...wrap(t("diagram.silence", { outcome: outcomeText(node.on_deadline) }), CHARS_PER_LINE + 4));
  return { name, extra };
}

const KINDS = new Set(["check", "choice", "review", "parallel", "payment", "issue", "evidence", "registration", "end"]);

function capitalised(text) {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}

function outcomeText(outcome) {
  return ["afirmativa_ficta", "negativa_ficta", "escalate"].includes(outcome) ? t(`diagram.outcome.${outcome}`) : String(outcome).replace(/_/g, " ");
}

// Rows by the longest path from the start (edges that go back are left out of the
// ranking), and each parallel step's branches in columns of their own.
function layout(diagram) {
  const nodes = diagram.nodes || [];
  const byId = new Map(nodes.map((node, index) => [node.id, { ...node, index }]));
  const edges = (diagram.edges || []).filter((edge) => byId.has(edge.from) && byId.has(edge.to));
  const order = new Map(nodes.map((node, index) => [node.id, index]));
  const forward = edges.filter((edge) => edge.from !== edge.to && order.get(edge.from) < order.get(edge.to));
  const rank = new Map(nodes.map((node) => [node.id, 0]));
  for (const node of nodes) {
    for (const edge of forward) if (edge.to === node.id) rank.set(node.id, Math.max(rank.get(node.id), rank.get(edge.from) + 1));
  }
  // a branch step sits at least one row below its parallel step
  for (const node of nodes) if (node.parent && byId.has(node.parent)) rank.set(node.id, Math.max(rank.get(node.id), rank.get(node.parent) + 1));
  // the branches of each parallel step: the children each start edge leads to, in order
  const branchOf = new Map();
  const branchCount = new Map();
  for (const parent of nodes.filter((node) => node.kind === "parallel")) {
    const children = nodes.filter((node) => node.parent === parent.id);
    const starts = edges.filter((edge) => edge.from === parent.id && children.some((child) => child.id === edge.to)).map((edge) => edge.to);
    const heads = starts.length ? [...new Set(starts)] : children.map((child) => child.id);
    heads.forEach((head, branch) => {
      const queue = [head];
      while (queue.length) {
        const id = queue.shift();
        if (branchOf.has(id)) continue;
        branchOf.set(id, branch);
        for (const edge of edges) if (edge.from === id && byId.get(edge.to)?.parent === parent.id) queue.push(edge.to);
      }
    });
    for (const child of children) if (!branchOf.has(child.id)) branchOf.set(child.id, heads.length);
    branchCount.set(parent.id, Math.max(heads.length, ...children.map((child) => branchOf.get(child.id) + 1)));
  }

  const rows = [];
  for (const node of nodes) {
    const r = rank.get(node.id);
    (rows[r] ||= []).push(node);
  }
  const placed = new Map();
  const rowSlots = rows.map((row = []) => {
    // slots: the branches of a parallel keep their column even when a branch has no step here
    const slots = [];
    const parents = [...new Set(row.filter((node) => node.parent && branchCount.has(node.parent)).map((node) => node.parent))];
    for (const parent of parents) {
      const columns = Array.from({ length: branchCount.get(parent) }, () => null);
      for (const node of row.filter((item) => item.parent === parent)) columns[branchOf.get(node.id)] = columns[branchOf.get(node.id)] || node;
      slots.push(...columns);
      for (const node of row.filter((item) => item.parent === parent && !columns.includes(item))) slots.push(node);
    }
    for (const node of row) if ((!node.parent || !parents.includes(node.parent)) && node.kind !== "end") slots.push(node);
    // the ends sit to the right of the row's steps, so the steps stay centred on the flow
    return { slots, ends: row.filter((node) => node.kind === "end" && !slots.includes(node)) };
  });
  const mainWidth = (count) => Math.max(0, count * NODE_WIDTH + (count - 1) * COLUMN_GAP);
  const contentWidth = Math.max(NODE_WIDTH, ...rowSlots.map(({ slots }) => mainWidth(slots.length)));
  const measured = new Map(nodes.map((node) => [node.id, nodeLines(node)]));
  const heightOf = (node) => {
    const lines = measured.get(node.id);
    return 20 + (lines.name.length + lines.extra.length) * LINE_HEIGHT + (node.kind === "parallel" ? 8 : 0);
  };
  let y = MARGIN;
  let right = MARGIN + contentWidth;
  rowSlots.forEach(({ slots, ends }) => {
    const all = [...slots, ...ends].filter(Boolean);
    const rowHeight = Math.max(...all.map(heightOf), 40);
    const left = slots.length ? MARGIN + (contentWidth - mainWidth(slots.length)) / 2 : MARGIN + (contentWidth - mainWidth(ends.length)) / 2;
    const columns = slots.length ? [...slots, ...ends] : ends;
    columns.forEach((node, column) => {
      if (!node) return;
      const height = heightOf(node);
      const x = left + column * (NODE_WIDTH + COLUMN_GAP);
      right = Math.max(right, x + NODE_WIDTH);
      placed.set(node.id, { node, lines: measured.get(node.id), x, y: y + (rowHeight - height) / 2, width: NODE_WIDTH, height, row: rank.get(node.id), rowTop: y, rowBottom: y + rowHeight });
    });
    y += rowHeight + ROW_GAP;
  });
  return { placed, edges, right, height: y - ROW_GAP + MARGIN };
}

function shape(box, ending) {
  const { x, y, width, height, node } = box;
  const common = { class: `diagram-shape diagram-shape-${KINDS.has(node.kind) ? node.kind : "other"}`, fill: "#ffffff", stroke: "#1b1b1b", "stroke-width": 1.5 };
  switch (node.kind) {
    case "check": {
      const cut = 14;
      return svg("polygon", { ...common, points: [[x + cut, y], [x + width - cut, y], [x + width, y + height / 2], [x + width - cut, y + height], [x + cut, y + height], [x, y + height / 2]].map((p) => p.join(",")).join(" ") });
    }
    case "choice": {
      const mid = [x + width / 2, y + height / 2];
      return svg("polygon", { ...common, points: [[mid[0], y], [x + width, mid[1]], [mid[0], y + height], [x, mid[1]]].map((p) => p.join(",")).join(" ") });
    }
    case "parallel":
      return svg("g", {}, svg("rect", { ...common, x, y, width, height }), svg("line", { x1: x, y1: y + 5, x2: x + width, y2: y + 5, stroke: "#1b1b1b", "stroke-width": 3 }), svg("line", { x1: x, y1: y + height - 5, x2: x + width, y2: y + height - 5, stroke: "#1b1b1b", "stroke-width": 3 }));
    case "payment": {
      const slant = 12;
      return svg("polygon", { ...common, points: [[x + slant, y], [x + width, y], [x + width - slant, y + height], [x, y + height]].map((p) => p.join(",")).join(" ") });
    }
    case "issue": {
      const fold = 14;
      return svg("path", { ...common, d: `M${x},${y} H${x + width - fold} L${x + width},${y + fold} V${y + height} H${x} Z M${x + width - fold},${y} V${y + fold} H${x + width}` });
    }
    case "end":
      return svg("rect", { ...common, x, y, width, height, rx: height / 2, "stroke-width": 3, "stroke-dasharray": ending === "silence" ? "7 4" : null });
    case "review":
      return svg("rect", { ...common, x, y, width, height });
    default:
      return svg("rect", { ...common, x, y, width, height, rx: 10 });
  }
}

function nodeGroup(box, ending) {
  const { x, y, width, node, lines } = box;
  const center = x + width / 2;
  let line = y + 10 + 12 + (node.kind === "parallel" ? 4 : 0);
  const texts = [];
  for (const text of lines.name) {
    texts.push(svg("text", { x: center, y: line, "text-anchor": "middle", class: "diagram-name", "font-weight": 700 }, text));
    line += LINE_HEIGHT;
  }
  for (const text of lines.extra) {
    texts.push(svg("text", { x: center, y: line, "text-anchor": "middle", class: "diagram-meta" }, text));
    line += LINE_HEIGHT;
  }
  return svg("g", { class: "diagram-node", "data-node": node.id, "data-kind": node.kind }, shape(box, ending), texts);
}

function arrowPath(points) {
  return points.map(([px, py], i) => `${i ? "L" : "M"}${Math.round(px)},${Math.round(py)}`).join(" ");
}

// A straight edge leaves its step's bottom at its own point (the step's edges spread
// along it) and its label sits on it just below the step, one under the other; an edge
// that has to go round leaves by the right side to a lane of its own.
function edgeGroup(edge, from, to, { start, end, lane, under, above, labelRow }) {
  const silence = isSilenceEdge(edge);
  let points;
  let label;
  if (lane === null) {
    points = [
      [start, from.y + from.height],
      [end, to.y],
    ];
    const labelY = from.y + from.height + 14 + 15 * labelRow;
    const along = (labelY - 4 - points[0][1]) / (points[1][1] - points[0][1]);
    label = { x: start + (end - start) * along, y: labelY, anchor: "middle" };
  } else {
    // round by the lane: out of the right side, or (a step stands to its right) out of the
    // bottom and below the row; in by the right side, or by the top from above its row
    const leave =
      under === null
        ? [
            [from.x + from.width, start],
            [lane, start],
          ]
        : [
            [start, from.y + from.height],
            [start, under],
            [lane, under],
          ];
    const arrive =
      above === null
        ? [
            [lane, end],
            [to.x + to.width, end],
          ]
        : [
            [lane, above],
            [end, above],
            [end, to.y],
          ];
    points = [...leave, ...arrive];
    label = under === null ? { x: from.x + from.width + 6, y: start - 5, anchor: "start" } : { x: start + 6, y: under - 5, anchor: "start" };
  }
  const text = pick(edge.label);
  return svg(
    "g",
    { class: silence ? "diagram-edge diagram-edge-silence" : "diagram-edge", "data-from": edge.from, "data-to": edge.to },
    svg("path", { d: arrowPath(points), fill: "none", stroke: "#1b1b1b", "stroke-width": silence ? 1.75 : 1.5, "stroke-dasharray": silence ? "7 4" : null }),
    text ? svg("text", { x: Math.round(label.x), y: Math.round(label.y), "text-anchor": label.anchor, class: "diagram-label", "font-style": silence ? "italic" : null }, text) : null,
  );
}

export function workflowDiagram(diagram) {
  const titleId = uid("diagram-title");
  const listId = uid("diagram-text");
  const figure = h("figure", { class: "workflow-diagram", dataset: { diagram: diagram ? "drawn" : "none" } });
  if (!diagram || !(diagram.nodes || []).length) {
    figure.append(h("figcaption", { id: titleId }, h("p", {}, t("diagram.unavailable"))));
    return figure;
  }
  const { placed, edges, right, height } = layout(diagram);
  const markerId = uid("diagram-arrow");
  // how each end is reached: only through the authority's silence, or otherwise
  const endings = new Map();
  for (const edge of edges) {
    const before = endings.get(edge.to);
    const kind = isSilenceEdge(edge) ? "silence" : "decision";
    endings.set(edge.to, before && before !== kind ? "decision" : kind);
  }
  const straight = (edge) => {
    const from = placed.get(edge.from);
    const to = placed.get(edge.to);
    return to.row === from.row + 1 || (to.row > from.row && !crosses(placed, from, to));
  };
  const laneEdges = edges.filter((edge) => !straight(edge));
  const lanes = new Map(laneEdges.map((edge, index) => [edge, right + LANE_GAP * (index + 1)]));
  const widestLabel = Math.max(0, ...laneEdges.map((edge) => pick(edge.label).length * 7));
  const width = right + MARGIN + LANE_GAP * laneEdges.length + (laneEdges.length ? Math.max(0, widestLabel - LANE_GAP * laneEdges.length) : 0);
  // where each edge leaves and arrives: spread along the sides it uses
  const spread = (box, list, edge, horizontal) => {
    const index = list.indexOf(edge);
    return horizontal ? box.x + (box.width * (index + 1)) / (list.length + 1) : box.y + (box.height * (index + 1)) / (list.length + 1);
  };
  // a step with another to its right in its row sends the edges that go round out of its
  // bottom too, beside its straight ones
  const blocked = (box) => [...placed.values()].some((other) => other.row === box.row && other.x > box.x);
  const bottomOut = (id) => edges.filter((edge) => edge.from === id && (!lanes.has(edge) || blocked(placed.get(id))));
  const sideOut = (id) => edges.filter((edge) => edge.from === id && lanes.has(edge));
  const topIn = (id) => edges.filter((edge) => edge.to === id && (!lanes.has(edge) || blocked(placed.get(id))));
  const sideIn = (id) => edges.filter((edge) => edge.to === id && lanes.has(edge));
  // the edges going round below one row, and coming in above one, each at its own height
  const roundOf = (row) => edges.filter((edge) => lanes.has(edge) && blocked(placed.get(edge.from)) && placed.get(edge.from).row === row);
  const enteringOf = (row) => edges.filter((edge) => lanes.has(edge) && blocked(placed.get(edge.to)) && placed.get(edge.to).row === row);
  const drawnEdges = edges.map((edge) => {
    const from = placed.get(edge.from);
    const to = placed.get(edge.to);
    const lane = lanes.has(edge) ? lanes.get(edge) : null;
    const round = lane !== null && blocked(from);
    const fromAbove = lane !== null && blocked(to);
    const out = lane === null || round ? bottomOut(edge.from) : sideOut(edge.from);
    const into = lane === null || fromAbove ? topIn(edge.to) : sideIn(edge.to);
    const labelRow = out.filter((item) => pick(item.label) && !lanes.has(item)).indexOf(edge);
    const group = edgeGroup(edge, from, to, {
      start: spread(from, out, edge, lane === null || round),
      end: spread(to, into, edge, lane === null || fromAbove),
      lane,
      under: round ? Math.min(from.rowBottom + 50 + 13 * roundOf(from.row).indexOf(edge), from.rowBottom + ROW_GAP - 6) : null,
      above: fromAbove ? to.rowTop - 12 - 10 * enteringOf(to.row).indexOf(edge) : null,
      labelRow: Math.max(0, labelRow),
    });
    group.querySelector("path").setAttribute("marker-end", `url(#${markerId})`);
    return group;
  });

  const drawing = svg(
    "svg",
    { viewBox: `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`, width: Math.ceil(width), height: Math.ceil(height), role: "img", "aria-labelledby": titleId, "aria-describedby": listId, class: "diagram-svg", "font-size": 13 },
    svg("defs", {}, svg("marker", { id: markerId, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, orient: "auto-start-reverse" }, svg("path", { d: "M0,0 L10,5 L0,10 Z", fill: "#1b1b1b" }))),
    drawnEdges,
    [...placed.values()].map((box) => nodeGroup(box, endings.get(box.node.id))),
  );
  const sentences = pick(diagram.text) || [];
  figure.append(
    h("div", { class: "diagram-scroll", tabindex: "0", role: "group", "aria-labelledby": titleId }, drawing),
    h(
      "figcaption",
      {},
      h("p", { id: titleId, class: "diagram-title" }, t("diagram.title")),
      h("p", { class: "diagram-key" }, t("diagram.key")),
      h("p", { class: "diagram-text-lead" }, t("diagram.textTitle")),
      h("ol", { id: listId, class: "diagram-text" }, (Array.isArray(sentences) ? sentences : []).map((sentence) => h("li", {}, sentence))),
    ),
  );
  return figure;
}

// Whether a straight line from one step to another further down would run through a step
// drawn between them.
function crosses(placed, from, to) {
  const x1 = from.x + from.width / 2;
  const x2 = to.x + to.width / 2;
  for (const box of placed.values()) {
    if (box.row <= from.row || box.row >= to.row) continue;
    const yMid = box.y + box.height / 2;
    const x = x1 + ((x2 - x1) * (yMid - (from.y + from.height))) / (to.y - (from.y + from.height));
    if (x >= box.x - 8 && x <= box.x + box.width + 8) return true;
  }
  return false;
}
