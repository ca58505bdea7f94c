// Progressive enhancements; every page works without this script.
(function () {
  "use strict";
  // Narrow screens: the table of contents starts folded (its <summary> opens it).
  var toc = document.querySelector(".toc-box");
  if (toc && window.matchMedia("(max-width: 60em)").matches) toc.open = false;

  // Tables wider than their box: show the sideways-scroll hint and an edge shadow.
  var boxes = Array.prototype.slice.call(document.querySelectorAll(".table-box"));
  function mark() {
    boxes.forEach(function (box) {
      var wrap = box.querySelector(".table-wrap");
      var more = wrap.scrollWidth - wrap.clientWidth;
      box.classList.toggle("is-scrollable", more > 1);
      box.classList.toggle("at-end", wrap.scrollLeft >= more - 1);
    });
  }
  boxes.forEach(function (box) {
    box.querySelector(".table-wrap").addEventListener("scroll", mark, { passive: true });
  });
  window.addEventListener("resize", mark);
  mark();

  // Indicators page: filter rows by category and nature.
  var form = document.getElementById("indicator-filter");
  if (!form) return;
  var rows = Array.prototype.slice.call(document.querySelectorAll("#indicator-table tbody tr"));
  var count = document.getElementById("filter-count");
  function apply() {
    var cat = form.elements.category.value, nat = form.elements.nature.value, shown = 0;
    rows.forEach(function (tr) {
      var ok = (!cat || tr.dataset.category === cat) && (!nat || tr.dataset.nature === nat);
      tr.hidden = !ok;
      if (ok) shown += 1;
    });
    count.textContent = "显示 " + shown + " / " + rows.length + " 项";
  }
  form.hidden = false;
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  apply();
})();
