"use strict";
(function () {
  var data = JSON.parse(document.getElementById("users-data").textContent);
  var rows = data.rows;
  var words = { eligible: "Eligible", review: "Review", blocked: "Blocked", error: "Not decided" };
  var complexityRank = { simple: 0, moderate: 1, complex: 2 };
  var state = { q: "", status: "", component: "", reason: "", fp: "", key: 0, dir: 1, page: 0, size: 50 };
  var $ = function (id) { return document.getElementById(id); };
  var tbody = document.querySelector("#users-table tbody");

  rows.forEach(function (r) {
    r.search = (r[0] + " " + r[6]).toLowerCase();
    r.compNames = r[4].map(function (i) { return data.components[i]; }).join(", ");
  });

  function option(select, value, label) {
    var o = document.createElement("option");
    o.value = value; o.textContent = label; select.appendChild(o);
  }
  function counted(index) {
    var n = {};
    rows.forEach(function (r) { [].concat(r[index]).forEach(function (v) { n[v] = (n[v] || 0) + 1; }); });
    return n;
  }
  var byStatus = counted(2), byComp = counted(4), byCode = counted(7);
  data.statuses.forEach(function (s, i) { if (byStatus[i]) { option($("f-status"), String(i), words[s] + " (" + byStatus[i] + ")"); } });
  data.components.forEach(function (c, i) { option($("f-component"), String(i), c + " (" + (byComp[i] || 0) + ")"); });
  data.codes.forEach(function (c, i) { option($("f-reason"), String(i), c + " (" + (byCode[i] || 0) + ")"); });

  function matches(r, fpSet) {
    if (state.status !== "" && r[2] !== Number(state.status)) { return false; }
    if (state.component !== "" && r[4].indexOf(Number(state.component)) < 0) { return false; }
    if (state.reason !== "" && r[7].indexOf(Number(state.reason)) < 0) { return false; }
    if (fpSet && !fpSet.has(r.index)) { return false; }
    return !state.q || r.search.indexOf(state.q) >= 0;
  }
  rows.forEach(function (r, i) { r.index = i; });

  function sortValue(r) {
    switch (state.key) {
      case 2: return r[2];
      case 3: return r[3] === null ? Infinity : r[3];
      case 4: return r.compNames;
      case 5: return complexityRank[r[5]] !== undefined ? complexityRank[r[5]] : 3;
      case 6: return r[6];
      default: return r[0];
    }
  }
  function compare(a, b) {
    var x = sortValue(a), y = sortValue(b);
    var c = x < y ? -1 : x > y ? 1 : 0;
    if (c === 0) { c = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; }
    return c * state.dir;
  }

  function cell(tr, text, cls) {
    var td = document.createElement("td");
    if (cls) { td.className = cls; }
    if (text !== null) { td.textContent = text; }
    tr.appendChild(td);
    return td;
  }
  function row(r) {
    var tr = document.createElement("tr");
    var link = document.createElement("a");
    link.href = "users/" + encodeURIComponent(r[1]);
    link.textContent = r[0];
    cell(tr, null).appendChild(link);
    var status = data.statuses[r[2]];
    var pill = document.createElement("span");
    pill.className = "pill s-" + status; pill.textContent = words[status];
    cell(tr, null).appendChild(pill);
    cell(tr, r[3] === null ? "no score" : r[3].toFixed(3), "num");
    cell(tr, r.compNames);
    cell(tr, r[5]);
    cell(tr, r[6], "headline");
    return tr;
  }

  function render() {
    var fpSet = state.fp ? new Set(data.fingerprints[state.fp] || []) : null;
    var found = rows.filter(function (r) { return matches(r, fpSet); });
    found.sort(compare);
    var pages = Math.max(1, Math.ceil(found.length / state.size));
    state.page = Math.min(state.page, pages - 1);
    var start = state.page * state.size;
    var fragment = document.createDocumentFragment();
    found.slice(start, start + state.size).forEach(function (r) { fragment.appendChild(row(r)); });
    tbody.replaceChildren(fragment);
    $("count").textContent = found.length
      ? "Showing " + (start + 1) + "–" + Math.min(start + state.size, found.length) + " of " + found.length + " users" + (found.length < rows.length ? " (filtered from " + rows.length + ")" : "")
      : "No user matches these filters.";
    $("page").textContent = "Page " + (state.page + 1) + " of " + pages;
    $("prev").disabled = state.page === 0;
    $("next").disabled = state.page >= pages - 1;
    document.querySelectorAll("#users-table th").forEach(function (th) {
      if (Number(th.dataset.key) === state.key) { th.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending"); }
      else { th.removeAttribute("aria-sort"); }
    });
    $("f-fp").hidden = !state.fp;
    $("f-fp-label").textContent = state.fp ? "Only users with: " + (data.messages[state.fp] || state.fp) : "";
  }

  function set(changes) { Object.keys(changes).forEach(function (k) { state[k] = changes[k]; }); state.page = 0; render(); }

  var timer = null;
  $("q").addEventListener("input", function (e) {
    clearTimeout(timer);
    timer = setTimeout(function () { set({ q: e.target.value.trim().toLowerCase() }); }, 100);
  });
  $("f-status").addEventListener("change", function (e) { set({ status: e.target.value }); });
  $("f-component").addEventListener("change", function (e) { set({ component: e.target.value }); });
  $("f-reason").addEventListener("change", function (e) { set({ reason: e.target.value }); });
  $("f-fp-clear").addEventListener("click", function () { set({ fp: "" }); });
  $("size").addEventListener("change", function (e) { set({ size: Number(e.target.value) }); });
  $("prev").addEventListener("click", function () { state.page -= 1; render(); });
  $("next").addEventListener("click", function () { state.page += 1; render(); });
  document.querySelectorAll("#users-table th button.sort").forEach(function (button) {
    button.addEventListener("click", function () {
      var key = Number(button.parentElement.dataset.key);
      set(key === state.key ? { dir: -state.dir } : { key: key, dir: 1 });
    });
  });
  document.querySelectorAll("button.show-fp").forEach(function (button) {
    button.addEventListener("click", function () { set({ fp: button.dataset.fp }); $("users").scrollIntoView(); });
  });
  document.querySelectorAll("[data-filter-status]").forEach(function (tile) {
    tile.addEventListener("click", function () {
      var i = data.statuses.indexOf(tile.dataset.filterStatus);
      $("f-status").value = String(i);
      set({ status: String(i) });
    });
  });

  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    if (!target) { return; }
    var details = target.closest("details");
    if (details) { details.open = true; }
    target.scrollIntoView();
  }
  window.addEventListener("hashchange", openTarget);
  render();
  openTarget();
})();
