(function () {
  "use strict";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
  // browsers without CSS :has() (older Chromium kernels): hide the home page on a form's anchor
  function route() {
    document.body.classList.toggle("on-form", document.querySelector(".form-page:target") !== null);
  }
  window.addEventListener("hashchange", route);
  route();
  var rows = document.getElementById("form-rows");
  var q = document.getElementById("q");
  var rule = document.getElementById("rule");
  var shown = document.getElementById("shown");
  function apply() {
    var text = q.value.trim().toLowerCase(), want = rule.value, n = 0;
    each(rows.rows, function (tr) {
      var ok = (!text || tr.textContent.toLowerCase().indexOf(text) >= 0) &&
        (!want || tr.getAttribute("data-rules").split(" ").indexOf(want) >= 0);
      tr.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = String(n);
  }
  q.addEventListener("input", apply);
  rule.addEventListener("change", apply);

  var heads = document.querySelectorAll("#form-table th[data-sort]");
  function key(tr, i, numeric) {
    var td = tr.cells[i], v = numeric ? td.getAttribute("data-v") : td.textContent.trim();
    if (v === null || v === "") { return null; }
    return numeric ? parseFloat(v) : v;
  }
  function sortBy(th) {
    var i = th.cellIndex, numeric = th.getAttribute("data-sort") === "num";
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    each(heads, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    var list = Array.prototype.slice.call(rows.rows);
    list.sort(function (a, b) {
      var x = key(a, i, numeric), y = key(b, i, numeric);
      if (x === null || y === null) { return x === y ? 0 : (x === null ? 1 : -1); }
      return dir * (numeric ? x - y : x.localeCompare(y, "zh-CN"));
    });
    list.forEach(function (tr) { rows.appendChild(tr); });
  }
  each(heads, function (th) {
    th.addEventListener("click", function () { sortBy(th); });
    th.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(th); }
    });
  });

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
  document.addEventListener("click", function (e) {
    var t = e.target instanceof Element ? e.target : null;
    if (t === null) { return; }
    var el = t.closest("button.fd, td[data-k], a[data-rule], a.dept");
    if (el === null) { return; }
    if (el.matches("a[data-rule]")) {
      rule.value = el.getAttribute("data-rule"); q.value = ""; apply();
    } else if (el.matches("a.dept")) {
      q.value = el.textContent; rule.value = ""; apply();
    } else {
      var page = el.closest(".form-page");
      if (el.matches("button.fd")) {
        focus(page, cellsOf(el), [el], true);
      } else {
        var k = el.getAttribute("data-k"), hits = [];
        each(page.querySelectorAll("button.fd"), function (b) {
          if (cellsOf(b).indexOf(k) >= 0) { hits.push(b); }
        });
        focus(page, [k], hits, false);
      }
    }
  });
})();
