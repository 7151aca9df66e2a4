"use strict";
(function () {
  var MAX_HEIGHT = 700;  // px a viewport-high render may take on screen before it is scaled down
  var NOTES = {
    side: "",
    overlay: "The migrated page is drawn over today's page; move the slider to fade between them.",
    diff: "Difference: identical pixels are white; anything coloured differs."
  };
  var dataNode = document.getElementById("phx-docs");
  var data = dataNode ? JSON.parse(dataNode.textContent) : { head: "", docs: {}, styles: [], highlights: [] };
  var template = document.getElementById("compare-template");

  // The same assembly as reports.escape.srcdoc: frame head (CSP meta, frame CSS), the stored stylesheet,
  // the highlight rule, then the stored fragment. Assigned as a property: never parsed by this page.
  function fragment(digest) {
    var doc = data.docs[digest];
    if (doc.h !== undefined) { return doc.h; }
    var base = fragment(doc.b);  // a migrated document stored as edits of today's: copied ranges, inserted text
    return doc.d.map(function (edit) { return typeof edit === "string" ? edit : base.slice(edit[0], edit[1]); }).join("");
  }

  function srcdoc(digest, highlight) {
    var doc = data.docs[digest];
    if (!doc) { return null; }
    var extra = highlight ? "<style>" + highlight + "</style>" : "";
    return data.head + "<style>" + data.styles[doc.c] + "</style>" + extra + "</head><body>" + fragment(digest) +
      "</body></html>";
  }

  function build(compare, index) {
    compare.appendChild(template.content.cloneNode(true));
    var stage = compare.querySelector(".stage");
    stage.style.setProperty("--w", compare.dataset.w);
    stage.style.setProperty("--h", compare.dataset.h);
    compare.querySelectorAll("input[type=radio]").forEach(function (radio) { radio.name = "mode-" + index; });
    compare.querySelector("legend").textContent = "Compare " + compare.dataset.title + " as";
    [["old", "Today: "], ["new", "After migration: "]].forEach(function (pair) {
      var pane = compare.querySelector(".pane-" + pair[0]);
      var frame = pane.querySelector("iframe");
      frame.title = pair[1] + compare.dataset.title;
      if (compare.dataset[pair[0]]) {
        frame.dataset.doc = compare.dataset[pair[0]];
        frame.dataset.hl = compare.dataset[pair[0] === "old" ? "hlOld" : "hlNew"];
      } else {
        frame.remove();
        pane.querySelector(".missing").hidden = false;
      }
    });
    wire(compare);
  }

  function fill(compare) {
    var outline = compare.querySelector("input.outline");
    var show = !outline || outline.checked;
    compare.querySelectorAll("iframe[data-doc]").forEach(function (frame) {
      var html = srcdoc(frame.dataset.doc, show ? data.highlights[Number(frame.dataset.hl)] : "");
      if (html !== null && frame.srcdoc !== html) { frame.srcdoc = html; }
    });
    compare.dataset.filled = "1";
  }

  function scale(compare) {
    var stage = compare.querySelector(".stage");
    var width = Number(compare.dataset.w) || 390;
    var height = Number(compare.dataset.h) || 844;
    var overlay = stage.classList.contains("m-overlay") || stage.classList.contains("m-diff");
    var room = overlay || window.matchMedia("(max-width: 900px)").matches ? stage.clientWidth : (stage.clientWidth - 16) / 2;
    var s = Math.max(0.2, Math.min(1, (room - 2) / width, MAX_HEIGHT / height));
    stage.style.setProperty("--s", s.toFixed(4));
  }

  function setMode(compare, mode) {
    var stage = compare.querySelector(".stage");
    stage.classList.remove("m-side", "m-overlay", "m-diff");
    stage.classList.add("m-" + mode);
    compare.querySelector(".opacity").hidden = mode !== "overlay";
    compare.querySelector(".mode-note").textContent = NOTES[mode] || "";
    scale(compare);
  }

  function wire(compare) {
    compare.querySelectorAll("input[type=radio]").forEach(function (radio) {
      radio.addEventListener("change", function () { if (radio.checked) { setMode(compare, radio.value); } });
    });
    var range = compare.querySelector("input[type=range]");
    var apply = function () {
      compare.querySelector(".stage").style.setProperty("--op", String(Number(range.value) / 100));
      range.setAttribute("aria-valuetext", range.value + " percent");
    };
    range.addEventListener("input", apply);
    apply();
    compare.querySelector("input.outline").addEventListener("change", function () { fill(compare); });
    var factor = compare.querySelector("select.hf");
    factor.addEventListener("change", function () {
      compare.querySelector(".stage").style.setProperty("--hf", factor.value);
    });
    setMode(compare, "side");
  }

  var compares = Array.prototype.slice.call(document.querySelectorAll(".compare"));
  compares.forEach(build);

  function shown(compare) { var d = compare.closest("details"); return !d || d.open; }
  document.querySelectorAll("details.case").forEach(function (details) {
    details.addEventListener("toggle", function () {
      var compare = details.querySelector(".compare");
      if (details.open && compare) { scale(compare); if (!compare.dataset.filled) { fill(compare); } }
    });
  });
  if (compares.length <= 12 || !("IntersectionObserver" in window)) {
    compares.filter(shown).forEach(fill);
  } else {
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { fill(entry.target); observer.unobserve(entry.target); }
      });
    }, { rootMargin: "600px 0px" });
    compares.forEach(function (c) { observer.observe(c); });
  }
  if ("ResizeObserver" in window) {
    new ResizeObserver(function () { compares.forEach(scale); }).observe(document.body);
  }
  window.addEventListener("beforeprint", function () { compares.forEach(fill); });

  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    if (!target) { return; }
    for (var d = target; d; d = d.parentElement) { if (d.tagName === "DETAILS") { d.open = true; } }
    target.scrollIntoView();
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
