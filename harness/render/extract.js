// Extraction of rendered component roots, run by Playwright's evaluate (the page's own JavaScript is off).
// One call extracts every root of the page: shadow roots of `.phoenix-host` (batched) or the body.
// Returns, per root: elements (compact arrays), truncated, metrics, referenced URLs, and why the case
// needs a document of its own (position fixed / sticky), if it does.
(args) => {
  const PROPS = args.props;
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
  const round = (v) => Math.round(v * 100) / 100;
  const collapse = (s) => s.replace(/\s+/g, " ").trim();
  const clip = (s, n) => (s.length > n ? s.slice(0, n) : s);

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

  const urlsOf = (el, cs, urls) => {
    for (const name of ["src", "href", "poster", "data", "srcset"]) {
      const value = el.getAttribute(name);
      if (!value) continue;
      if (name === "srcset") {
        for (const part of value.split(",")) {
          const u = part.trim().split(/\s+/)[0];
          try { if (u) urls.push(new URL(u, document.baseURI).href); } catch (e) { /* not a URL */ }
        }
      } else {
        try { urls.push(new URL(value, document.baseURI).href); } catch (e) { /* not a URL */ }
      }
    }
    for (const prop of ["background-image", "list-style-image", "border-image-source", "mask-image"]) {
      const value = cs.getPropertyValue(prop);
      for (const m of value.matchAll(/url\("([^"]*)"\)/g)) urls.push(m[1]);
    }
  };

  const extract = (root, scope, rootRect) => {
    settleAnimations(root);
    const elements = [];
    const urls = [];
    let nodes = 0, boxes = 0, textNodes = 0, maxDepth = 0, flexItems = 0, needsDocument = null;
    const stack = [];
    // Children pushed last-to-first by sibling links: indexing a live HTMLCollection backwards is
    // quadratic on an element with 100,000 children.
    for (let c = root.lastElementChild; c; c = c.previousElementSibling) stack.push([c, -1, 1]);
    while (stack.length) {
      const [el, parent, depth] = stack.pop();
      nodes++;
      maxDepth = Math.max(maxDepth, depth);
      const cs = getComputedStyle(el);
      const display = cs.display;
      if (display !== "none" && display !== "contents") boxes++;
      if (display.includes("flex") || display.includes("grid")) flexItems += el.childElementCount;
      for (const node of el.childNodes) if (node.nodeType === 3 && node.data.trim()) textNodes++;
      if (needsDocument === null && (cs.position === "fixed" || cs.position === "sticky")) {
        needsDocument = `position: ${cs.position} on <${el.tagName.toLowerCase()}>`;
      }
      let index = -1;
      if (elements.length < args.maxElements) {
        index = elements.length;
        const rect = el.getBoundingClientRect();
        const boxless = el.getClientRects().length === 0;  // display: none, <option>: no box, no position
        const attrs = [];
        for (const a of el.attributes) if (!SKIP_ATTRS.has(a.name)) attrs.push([a.name, clip(a.value, 300)]);
        attrs.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
        const styles = [];
        for (const prop of PROPS) styles.push([prop, cs.getPropertyValue(prop)]);
        for (const pseudo of ["::before", "::after"]) {
          const content = getComputedStyle(el, pseudo).content;
          if (content && content !== "none" && content !== "normal") styles.push([pseudo + " content", content]);
        }
        const visible = rect.width > 0 && rect.height > 0 &&
          el.checkVisibility({opacityProperty: true, visibilityProperty: true});
        const role = roleOf(el);
        elements.push([index, parent, el.tagName.toLowerCase(), attrs, [...new Set(el.classList)].sort(),
          ownText(el), styles, boxless ? [0, 0, 0, 0] : [round(rect.x - rootRect.x), round(rect.y - rootRect.y),
            round(rect.width), round(rect.height)], visible, el.getAttribute("data-slot"), role, nameOf(el, role, scope)]);
        urlsOf(el, cs, urls);
      }
      for (let c = el.lastElementChild; c; c = c.previousElementSibling) stack.push([c, index, depth + 1]);
    }
    for (const node of root.childNodes) if (node.nodeType === 3 && node.data.trim()) textNodes++;
    return {
      elements, truncated: nodes > elements.length, urls: [...new Set(urls)].sort(), needsDocument,
      rootBox: [round(rootRect.x), round(rootRect.y), round(rootRect.width), round(rootRect.height)],
      metrics: {nodes, boxes, text_nodes: textNodes, max_depth: maxDepth,
        layout_cost: boxes + textNodes + flexItems},
    };
  };

  // One JSON string, not an object graph: Playwright's own serializer takes ~2 ms per element.
  if (args.mode === "standalone") {
    return JSON.stringify([extract(document.body, document, document.body.getBoundingClientRect())]);
  }
  return JSON.stringify([...document.querySelectorAll("body > .phoenix-host")].map(
    (host) => extract(host.shadowRoot, host.shadowRoot, host.getBoundingClientRect())));
}
