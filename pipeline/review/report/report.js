(function () {
  "use strict";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
  // browsers without CSS :has() (older Chromium kernels): hide the home page on a form's anchor
  function route() {
    document.body.classList.toggle("on-form", document.querySelector(".form-page:target") !== null);
  }
  window.addEventListener("hashchange", route);
  route();

  // ---- the forms list: records (data, never markup), drawn one page of rows at a time
  var records = [], F = {};
  window.jixiaoForms = function (d) {
    d.fields.forEach(function (name, i) { F[name] = i; });
    Array.prototype.push.apply(records, d.rows);
  };
  var embedded = document.getElementById("forms-data");
  if (embedded !== null) { window.jixiaoForms(JSON.parse(embedded.textContent)); }
  var rows = document.getElementById("form-rows");
  var q = document.getElementById("q"), rule = document.getElementById("rule");
  var dept = document.getElementById("dept"), year = document.getElementById("year");
  var onlyErrors = document.getElementById("only-errors"), onlyReview = document.getElementById("only-review");
  var shown = document.getElementById("shown");
  var collator = new Intl.Collator("zh-CN");
  var pageRows = rows === null ? 100 : parseInt(rows.parentNode.getAttribute("data-page-rows"), 10) || 100;
  var list = [], page = 0, sortCol = -1, sortDir = 1, hay = null;
  var numeric = ["year", "score", "rate", "errors", "warnings"];
  var columns = ["name", "department", "unit", "year", "score", "rate", "errors", "warnings", "path"];

  function nameText(r) {
    return (r[F.review] ? "需复核 " : "") + (r[F.name] || "（未填项目名称）");
  }
  function value(r, col) {
    var name = columns[col];
    if (name === "name") { return nameText(r); }
    var v = r[F[name]];
    if (v === null || v === undefined || v === "") { return null; }
    return numeric.indexOf(name) >= 0 ? parseFloat(v) : String(v);
  }
  function apply() {
    if (hay === null) {
      hay = records.map(function (r) {
        return [r[F.name], r[F.department], r[F.unit], r[F.path]].join("\n").toLowerCase();
      });
    }
    var text = q.value.trim().toLowerCase(), want = rule.value, d = dept.value, y = year.value;
    var errs = onlyErrors.checked, review = onlyReview.checked;
    list = [];
    records.forEach(function (r, i) {
      if (text && hay[i].indexOf(text) < 0) { return; }
      if (want && r[F.rules].split(" ").indexOf(want) < 0) { return; }
      if (d !== "*" && r[F.department] !== d) { return; }
      if (y !== "*" && String(r[F.year] === null ? "" : r[F.year]) !== y) { return; }
      if (errs && !r[F.errors]) { return; }
      if (review && !r[F.review]) { return; }
      list.push(r);
    });
    if (sortCol >= 0) {
      var isNum = numeric.indexOf(columns[sortCol]) >= 0;
      list.sort(function (a, b) {
        var x = value(a, sortCol), z = value(b, sortCol);
        if (x === null || z === null) { return x === z ? 0 : (x === null ? 1 : -1); }
        return sortDir * (isNum ? x - z : collator.compare(x, z));
      });
    }
    page = 0;
    draw();
  }
  function cell(tr, text, cls, v) {
    var td = document.createElement("td");
    if (cls) { td.className = cls; }
    if (v !== undefined) { td.setAttribute("data-v", v === null || v === undefined ? "" : String(v)); }
    td.textContent = text === null || text === undefined ? "" : String(text);
    tr.appendChild(td);
    return td;
  }
  function draw() {
    var pages = Math.max(1, Math.ceil(list.length / pageRows));
    page = Math.min(Math.max(page, 0), pages - 1);
    var frag = document.createDocumentFragment();
    list.slice(page * pageRows, (page + 1) * pageRows).forEach(function (r) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-rules", r[F.rules]);
      var td = document.createElement("td"), a = document.createElement("a");
      var href = String(r[F.href]);
      if (!/^[a-z][a-z0-9+.-]*:/i.test(href)) { a.setAttribute("href", href); }
      if (r[F.review]) {
        var badge = document.createElement("span");
        badge.className = "review";
        badge.textContent = "需复核";
        a.appendChild(badge);
        a.appendChild(document.createTextNode(" "));
      }
      a.appendChild(document.createTextNode(r[F.name] || "（未填项目名称）"));
      td.appendChild(a);
      tr.appendChild(td);
      cell(tr, r[F.department]);
      cell(tr, r[F.unit]);
      cell(tr, r[F.year], "n", r[F.year]);
      cell(tr, r[F.score], "n", r[F.score]);
      cell(tr, r[F.rate_shown], "n", r[F.rate]);
      cell(tr, r[F.errors], "n e", r[F.errors]);
      cell(tr, r[F.warnings], "n w", r[F.warnings]);
      cell(tr, r[F.path], "path");
      frag.appendChild(tr);
    });
    rows.textContent = "";
    rows.appendChild(frag);
    shown.textContent = String(list.length);
    document.getElementById("page-no").textContent = String(page + 1);
    document.getElementById("page-count").textContent = String(pages);
    document.getElementById("prev-page").disabled = page === 0;
    document.getElementById("next-page").disabled = page >= pages - 1;
  }
  var heads = document.querySelectorAll("#form-table th[data-sort]");
  function sortBy(th) {
    var col = th.cellIndex;
    sortDir = sortCol === col && th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    sortCol = col;
    each(heads, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", sortDir === 1 ? "ascending" : "descending");
    apply();
  }
  if (rows !== null) {
    q.addEventListener("input", apply);
    [rule, dept, year, onlyErrors, onlyReview].forEach(function (el) { el.addEventListener("change", apply); });
    document.getElementById("prev-page").addEventListener("click", function () { page -= 1; draw(); });
    document.getElementById("next-page").addEventListener("click", function () { page += 1; draw(); });
    each(heads, function (th) {
      th.addEventListener("click", function () { sortBy(th); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(th); }
      });
    });
    // the data files of a large report load after this script: draw when the page is parsed
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", apply);
    } else {
      apply();
    }
  }

  // ---- a form's page: findings and their cells
  function focus(page, keys, buttons, scroll) {
    each(page.querySelectorAll(".focus"), function (el) {
      el.classList.remove("focus");
      if (el.hasAttribute("aria-pressed")) { el.setAttribute("aria-pressed", "false"); }
    });
    var first = null;
    each(page.querySelectorAll("td[data-k]"), function (td) {
      if (keys.indexOf(td.getAttribute("data-k")) >= 0) {
        td.classList.add("focus");
        if (first === null) { first = td; }
      }
    });
    buttons.forEach(function (b) { b.classList.add("focus"); b.setAttribute("aria-pressed", "true"); });
    if (scroll && first !== null) { first.scrollIntoView({block: "center"}); }
  }
  function cellsOf(b) { return b.getAttribute("data-k").split(" ").filter(Boolean); }
  function reset() {
    q.value = ""; rule.value = ""; dept.value = "*"; year.value = "*";
    onlyErrors.checked = false; onlyReview.checked = false;
  }
  document.addEventListener("click", function (e) {
    var t = e.target instanceof Element ? e.target : null;
    if (t === null) { return; }
    var el = t.closest("button.fd, td[data-k], a[data-rule], a.dept");
    if (el === null) { return; }
    if (el.matches("a[data-rule]")) {
      if (rows === null) { return; }
      reset(); rule.value = el.getAttribute("data-rule"); apply();
    } else if (el.matches("a.dept")) {
      if (rows === null) { return; }
      reset(); dept.value = el.textContent; apply();
    } else {
      var formPage = el.closest(".form-page");
      if (el.matches("button.fd")) {
        focus(formPage, cellsOf(el), [el], true);
      } else {
        var k = el.getAttribute("data-k"), hits = [];
        each(formPage.querySelectorAll("button.fd"), function (b) {
          if (cellsOf(b).indexOf(k) >= 0) { hits.push(b); }
        });
        focus(formPage, [k], hits, false);
      }
    }
  });
})();
