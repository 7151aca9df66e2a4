// Extraction of rendered component roots, run by Playwright's evaluate (the page's own JavaScript is off).
// One call extracts every root of the page: shadow roots of `.phoenix-host` (batched) or the body.
//
// args: {mode, maxElements, props, shorthands, roots: [{pseudo, cssUrls}], settle}
// - `settle`: when images or fonts are still loading, return "" instead (the caller waits and calls again).
// - `props`: the computed-style properties of the snapshot, in output order; `shorthands` maps a shorthand
//   to the four longhands of `props` it stands for (top, right, bottom, left, or the four corners). One
//   shorthand read is cheaper than four longhand reads; its value is split back into the longhands (which
//   are read one by one when the browser gives no shorthand value).
// - per root, `pseudo`: whether its CSS can give ::before / ::after content (else only <q> can have any);
//   `cssUrls`: whether its CSS can name images beyond background-image (list-style, border, mask images).
//
// Returns JSON: {roots: [...], styles: [[value per prop..., ::before content, ::after content], ...]};
// per root: elements (compact arrays; element[6] indexes `styles`, shared by equal elements), truncated,
// metrics, the URLs it loads, and why the case needs a document of its own (position fixed / sticky).
(args) => {
  const TEXT_SKIP = new Set(["SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT"]);
  const SKIP_ATTRS = new Set(["class", "style", "data-slot"]);
  const IMPLICIT = {A: "link", BUTTON: "button", IMG: "img", H1: "heading", H2: "heading", H3: "heading",
    H4: "heading", H5: "heading", H6: "heading", UL: "list", OL: "list", LI: "listitem", NAV: "navigation",
    FORM: "form", SELECT: "combobox", TEXTAREA: "textbox", TABLE: "table", ARTICLE: "article",
    MAIN: "main", DIALOG: "dialog", P: "paragraph", FIGURE: "figure", SECTION: "region"};
  const INPUT_ROLES = {checkbox: "checkbox", radio: "radio", button: "button", submit: "button",
    reset: "button", range: "slider", number: "spinbutton", search: "searchbox"};
  const NAME_FROM_CONTENT = new Set(["link", "button", "heading", "listitem", "checkbox", "radio", "tab",
    "menuitem", "option", "cell"]);
  const CSS_URL_PROPS = ["list-style-image", "border-image-source", "mask-image"];
  const round = (v) => Math.round(v * 100) / 100;
  const collapse = (s) => s.replace(/\s+/g, " ").trim();
  // A clipped value keeps its length and a digest (FNV-1a) of the whole: two values that differ only past
  // the cut (a long srcset that lost its last candidate) must not look equal.
  const clip = (s, n) => {
    if (s.length <= n) return s;
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    return `${s.slice(0, n)}\u2026 [${s.length} characters, ${(h >>> 0).toString(16).padStart(8, "0")}]`;
  };

  // --- the plan of style reads: what to read, and where each value lands in the output vector ---------
  const PROPS = args.props;
  const slotOf = new Map(PROPS.map((p, i) => [p, i]));
  const covered = new Set();
  const shorthands = [];
  for (const [name, longhands] of Object.entries(args.shorthands || {})) {
    shorthands.push([name, longhands.map((p) => slotOf.get(p)), longhands]);
    for (const p of longhands) covered.add(p);
  }
  const singles = PROPS.filter((p) => !covered.has(p)).map((p) => [p, slotOf.get(p)]);
  const WIDTH = PROPS.length + 2;  // + ::before content, ::after content
  const BG = slotOf.get("background-image");
  const POSITION = slotOf.get("position");

  // Split a computed value at top-level spaces (colours like "rgb(0, 0, 0)" stay whole).
  const tokens = (value) => {
    const out = [];
    let depth = 0, start = 0;
    for (let i = 0; i < value.length; i++) {
      const c = value[i];
      if (c === "(") depth++;
      else if (c === ")") depth--;
      else if (c === " " && depth === 0) {
        if (i > start) out.push(value.slice(start, i));
        start = i + 1;
      }
    }
    if (value.length > start) out.push(value.slice(start));
    return out;
  };
  // CSS's 1-to-4 value rule: [top, right, bottom, left] (corners: top-left, top-right, bottom-right, bottom-left).
  const four = (v) => (v.length === 1 ? [v[0], v[0], v[0], v[0]] : v.length === 2 ? [v[0], v[1], v[0], v[1]]
    : v.length === 3 ? [v[0], v[1], v[2], v[1]] : v.length === 4 ? v : null);
  const expand = (name, value) => {
    if (!value) return null;
    if (name !== "border-radius") return four(tokens(value));
    const [h, v] = value.split(" / ");
    const hs = four(tokens(h));
    const vs = v === undefined ? hs : four(tokens(v));
    if (!hs || !vs) return null;
    return hs.map((x, i) => (x === vs[i] ? x : `${x} ${vs[i]}`));
  };

  const styleIds = new Map();
  const styleTable = [];
  const readStyles = (el, cs, pseudo) => {
    const row = new Array(WIDTH);
    for (const [prop, slot] of singles) row[slot] = cs.getPropertyValue(prop);
    for (const [name, slots, longhands] of shorthands) {
      const parts = expand(name, cs.getPropertyValue(name));
      for (let i = 0; i < 4; i++) row[slots[i]] = parts ? parts[i] : cs.getPropertyValue(longhands[i]);
    }
    row[WIDTH - 2] = row[WIDTH - 1] = "";
    if (pseudo || el.tagName === "Q") {
      for (const [i, which] of [[WIDTH - 2, "::before"], [WIDTH - 1, "::after"]]) {
        const content = getComputedStyle(el, which).content;
        if (content && content !== "none" && content !== "normal") row[i] = content;
      }
    }
    const key = row.join("\u0001");
    let id = styleIds.get(key);
    if (id === undefined) {
      id = styleTable.length;
      styleIds.set(key, id);
      styleTable.push(row);
    }
    return [id, row];
  };

  const rootsOf = () => (args.mode === "standalone" ? [document]
    : [...document.querySelectorAll("body > .phoenix-host")].map((h) => h.shadowRoot));
  const settled = () => document.fonts.status === "loaded" &&
    rootsOf().every((r) => [...r.querySelectorAll("img")].every((i) => i.complete));

  const settleAnimations = (root) => {
    for (const anim of root.getAnimations({subtree: true})) {
      const timing = anim.effect ? anim.effect.getComputedTiming() : null;
      if (timing && Number.isFinite(timing.endTime)) anim.finish(); else anim.cancel();
    }
  };

  const roleOf = (el) => {
    const explicit = el.getAttribute("role");
    if (explicit) return explicit.trim().split(/\s+/)[0];
    if (el.tagName === "A") return el.hasAttribute("href") ? "link" : null;
    if (el.tagName === "IMG") return el.getAttribute("alt") === "" ? "presentation" : "img";
    if (el.tagName === "INPUT") return INPUT_ROLES[(el.getAttribute("type") || "text").toLowerCase()] || "textbox";
    return IMPLICIT[el.tagName] || null;
  };

  const nameOf = (el, role, scope) => {
    const label = el.getAttribute("aria-label");
    if (label && label.trim()) return collapse(label);
    const by = el.getAttribute("aria-labelledby");
    if (by) {
      const parts = by.split(/\s+/).map((id) => scope.getElementById ? scope.getElementById(id) : null);
      const text = parts.filter(Boolean).map((p) => p.textContent).join(" ");
      if (text.trim()) return clip(collapse(text), 120);
    }
    if (el.tagName === "IMG" || (el.tagName === "INPUT" && el.type === "image")) {
      const alt = el.getAttribute("alt");
      if (alt) return collapse(alt);
    }
    if (el.labels && el.labels.length) return clip(collapse(el.labels[0].textContent), 120);
    if (role && NAME_FROM_CONTENT.has(role)) {
      const text = collapse(el.textContent || "");
      if (text) return clip(text, 120);
    }
    const title = el.getAttribute("title") || el.getAttribute("placeholder");
    return title ? collapse(title) : null;
  };

  const ownText = (el) => {
    if (TEXT_SKIP.has(el.tagName)) return "";
    let text = "";
    for (const node of el.childNodes) if (node.nodeType === 3) text += node.data;
    return clip(collapse(text), 2000);
  };

  // What an element makes the browser load (the batch page's policy refuses it before it is requested):
  // an element's own resources always (images load even inside display: none), CSS images only when the
  // element is rendered. Derived from the DOM, not from the browser's request log, so the answer does
  // not depend on which case happened to load the same URL earlier in the page.
  const absolute = (value, out) => {
    if (!value) return;
    try {
      const href = new URL(value.trim(), document.baseURI).href;
      if (!href.startsWith("data:")) out.push(href);
    } catch (e) { /* not a URL: nothing is requested */ }
  };
  const cssUrls = (value, out) => {
    if (value && value.includes("url(")) for (const m of value.matchAll(/url\("([^"]*)"\)/g)) absolute(m[1], out);
  };
  const ELEMENT_LOADS = {IMG: (el, out) => absolute(el.currentSrc, out),
    VIDEO: (el, out) => { absolute(el.getAttribute("poster"), out); absolute(el.getAttribute("src"), out); },
    AUDIO: (el, out) => absolute(el.getAttribute("src"), out),
    SOURCE: (el, out) => { if (el.parentElement && el.parentElement.tagName !== "PICTURE") absolute(el.getAttribute("src"), out); },
    TRACK: (el, out) => absolute(el.getAttribute("src"), out),
    INPUT: (el, out) => { if ((el.getAttribute("type") || "").toLowerCase() === "image") absolute(el.getAttribute("src"), out); },
    IFRAME: (el, out) => absolute(el.getAttribute("src"), out),
    FRAME: (el, out) => absolute(el.getAttribute("src"), out),
    EMBED: (el, out) => absolute(el.getAttribute("src"), out),
    OBJECT: (el, out) => absolute(el.getAttribute("data"), out),
    image: (el, out) => absolute(el.getAttribute("href") || el.getAttribute("xlink:href"), out),
    use: (el, out) => { const ref = el.getAttribute("href") || el.getAttribute("xlink:href") || "";
      if (!ref.startsWith("#")) absolute(ref.split("#")[0], out); }};
  const loadsOf = (el, cs, row, rendered, allCss, out) => {
    const own = ELEMENT_LOADS[el.tagName];
    if (own) own(el, out);
    if (!rendered) return;
    cssUrls(row[BG], out);
    cssUrls(row[WIDTH - 2], out);
    cssUrls(row[WIDTH - 1], out);
    if (allCss) for (const prop of CSS_URL_PROPS) cssUrls(cs.getPropertyValue(prop), out);
  };

  const extract = (root, scope, rootRect, flags) => {
    settleAnimations(root);
    const elements = [];
    const loads = [];
    let nodes = 0, boxes = 0, textNodes = 0, maxDepth = 0, flexItems = 0, needsDocument = null;
    const stack = [];
    // Children pushed last-to-first by sibling links: indexing a live HTMLCollection backwards is
    // quadratic on an element with 100,000 children.
    for (let c = root.lastElementChild; c; c = c.previousElementSibling) stack.push([c, -1, 1, false]);
    while (stack.length) {
      const [el, parent, depth, hiddenAbove] = stack.pop();
      nodes++;
      maxDepth = Math.max(maxDepth, depth);
      const cs = getComputedStyle(el);
      let index = -1;
      let display, position;
      if (elements.length < args.maxElements) {
        index = elements.length;
        const [styleId, row] = readStyles(el, cs, flags.pseudo);
        display = row[slotOf.get("display")];
        position = row[POSITION];
        const rect = el.getBoundingClientRect();
        // display: none, <option>: no box, no position (only an all-zero rect can be one)
        const boxless = rect.x === 0 && rect.y === 0 && rect.width === 0 && rect.height === 0 &&
          el.getClientRects().length === 0;
        const attrs = [];
        for (const a of el.attributes) if (!SKIP_ATTRS.has(a.name)) attrs.push([a.name, clip(a.value, 300)]);
        attrs.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
        const visible = rect.width > 0 && rect.height > 0 &&
          el.checkVisibility({opacityProperty: true, visibilityProperty: true});
        const role = roleOf(el);
        elements.push([index, parent, el.tagName.toLowerCase(), attrs, [...new Set(el.classList)].sort(),
          ownText(el), styleId, boxless ? [0, 0, 0, 0] : [round(rect.x - rootRect.x), round(rect.y - rootRect.y),
            round(rect.width), round(rect.height)], visible, el.getAttribute("data-slot"), role, nameOf(el, role, scope)]);
        loadsOf(el, cs, row, !hiddenAbove && display !== "none", flags.cssUrls, loads);
      } else {
        display = cs.display;
        position = cs.position;
      }
      if (display !== "none" && display !== "contents") boxes++;
      if (display.includes("flex") || display.includes("grid")) flexItems += el.childElementCount;
      for (const node of el.childNodes) if (node.nodeType === 3 && node.data.trim()) textNodes++;
      if (needsDocument === null && (position === "fixed" || position === "sticky")) {
        needsDocument = `position: ${position} on <${el.tagName.toLowerCase()}>`;
      }
      const hidden = hiddenAbove || display === "none";
      for (let c = el.lastElementChild; c; c = c.previousElementSibling) stack.push([c, index, depth + 1, hidden]);
    }
    for (const node of root.childNodes) if (node.nodeType === 3 && node.data.trim()) textNodes++;
    return {
      elements, truncated: nodes > elements.length, loads: [...new Set(loads)].sort(), needsDocument,
      rootBox: [round(rootRect.x), round(rootRect.y), round(rootRect.width), round(rootRect.height)],
      metrics: {nodes, boxes, text_nodes: textNodes, max_depth: maxDepth,
        layout_cost: boxes + textNodes + flexItems},
    };
  };

  if (args.settle && !settled()) return "";
  const flagsOf = (i) => (args.roots && args.roots[i]) || {pseudo: true, cssUrls: true};
  // One JSON string, not an object graph: Playwright's own serializer takes ~2 ms per element.
  let roots;
  if (args.mode === "standalone") {
    roots = [extract(document.body, document, document.body.getBoundingClientRect(), flagsOf(0))];
  } else {
    roots = [...document.querySelectorAll("body > .phoenix-host")].map(
      (host, i) => extract(host.shadowRoot, host.shadowRoot, host.getBoundingClientRect(), flagsOf(i)));
  }
  return JSON.stringify({roots, styles: styleTable});
}
