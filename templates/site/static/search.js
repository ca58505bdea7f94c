// Full-text search over search-index.js (window.PLANDOC_SEARCH, written by the build; see
// plandoc/site_search.py). A place matches when it holds every word of the query as a
// substring, after folding case and full-width forms; hits are grouped by page, headings
// first, and each links to the paragraph, item, row or box that holds it. Results are
// built as DOM nodes with textContent only: nothing from the index is parsed as HTML.
// A classic script, not a module, so the search works from a file opened from disk too.
(function () {
  "use strict";
  var MAX_HITS = 5, CONTEXT = 36;
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var index = window.PLANDOC_SEARCH;
  var root = document.documentElement.dataset.root || "";
  var folded = null;

  // Same length in and out, so offsets found in the folded text hold in the original.
  function fold(s) {
    var out = s.replace(/[\uff01-\uff5e]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    }).replace(/\u3000/g, " ");
    var lower = out.toLowerCase();
    return lower.length === out.length ? lower : out;
  }

  function terms(query) {
    var seen = {}, out = [];
    fold(query).split(/\s+/).forEach(function (t) {
      if (t && !seen[t]) { seen[t] = true; out.push(t); }
    });
    return out;
  }

  function count(hay, term) {
    var n = 0, at = hay.indexOf(term);
    while (at >= 0) { n += 1; at = hay.indexOf(term, at + term.length); }
    return n;
  }

  function find(words) {
    if (!folded) folded = index.records.map(function (r) { return fold(r[3]); });
    var hits = [];
    for (var i = 0; i < folded.length; i++) {
      var hay = folded[i], score = 0, all = true;
      for (var j = 0; j < words.length && all; j++) {
        var n = count(hay, words[j]);
        if (!n) all = false;
        score += n;
      }
      if (!all) continue;
      var kind = index.records[i][4];
      hits.push({ i: i, score: (kind === "h" ? 1000 : kind === "i" ? 500 : 0) + Math.min(score, 50) });
    }
    return hits;
  }

  // The stretch of text around the first match, every word of the query marked in it.
  function snippet(text, hay, words) {
    var p = document.createElement("p"), first = -1;
    words.forEach(function (w) {
      var at = hay.indexOf(w);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    });
    var start = Math.max(0, first - CONTEXT), end = Math.min(text.length, first + CONTEXT * 2);
    if (start > 0) p.append("…");
    var pos = start;
    while (pos < end) {
      var next = -1, len = 0;
      words.forEach(function (w) {
        var at = hay.indexOf(w, pos);
        if (at >= 0 && at < end && (next < 0 || at < next || (at === next && w.length > len))) {
          next = at; len = w.length;
        }
      });
      if (next < 0) { p.append(text.slice(pos, end)); break; }
      if (next > pos) p.append(text.slice(pos, next));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(next, next + len);
      p.append(mark);
      pos = next + len;
    }
    if (end < text.length) p.append("…");
    return p;
  }

  function render(words, hits) {
    list.replaceChildren();
    var groups = [], byPage = {};
    hits.forEach(function (h) {
      var page = index.records[h.i][0];
      if (!(page in byPage)) { byPage[page] = { page: page, best: h, hits: [] }; groups.push(byPage[page]); }
      byPage[page].hits.push(h);
    });
    groups.forEach(function (g) {
      g.hits.sort(function (a, b) { return b.score - a.score || a.i - b.i; });
      g.best = g.hits[0];
    });
    groups.sort(function (a, b) { return b.best.score - a.best.score || a.best.i - b.best.i; });
    groups.forEach(function (g) {
      var page = index.pages[g.page], url = root + page[0];
      var li = document.createElement("li"), h = document.createElement("h2"), a = document.createElement("a");
      a.href = url;
      a.textContent = page[1];
      h.append(a);
      li.append(h);
      var ul = document.createElement("ul");
      ul.className = "hits";
      g.hits.slice(0, MAX_HITS).forEach(function (hit) {
        var r = index.records[hit.i], item = document.createElement("li"), link = document.createElement("a");
        link.href = r[1] ? url + "#" + r[1] : url;
        link.className = "hit";
        link.dataset.anchor = r[1];
        var where = document.createElement("span");
        where.className = "hit-where";
        where.textContent = r[2];
        link.append(where, snippet(r[3], folded[hit.i], words));
        item.append(link);
        ul.append(item);
      });
      li.append(ul);
      if (g.hits.length > MAX_HITS) {
        var more = document.createElement("p");
        more.className = "hit-more";
        more.textContent = "本页另有 " + (g.hits.length - MAX_HITS) + " 处";
        li.append(more);
      }
      list.append(li);
    });
  }

  function run(query) {
    var words = terms(query.trim());
    if (!words.length) { status.textContent = ""; list.replaceChildren(); return; }
    if (!index) { status.textContent = "搜索索引未能载入（search-index.js）。"; return; }
    var hits = find(words);
    render(words, hits);
    var pages = {};
    hits.forEach(function (h) { pages[index.records[h.i][0]] = true; });
    status.textContent = hits.length
      ? "“" + query.trim() + "”：" + hits.length + " 处，" + Object.keys(pages).length + " 个页面"
      : "没有找到“" + query.trim() + "”。";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var q = input.value;
    if (location.protocol !== "file:") history.replaceState(null, "", "?q=" + encodeURIComponent(q));
    run(q);
  });
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) { input.value = initial; run(initial); }
  var top = document.getElementById("q-top");
  if (top && initial) top.value = initial;
})();
