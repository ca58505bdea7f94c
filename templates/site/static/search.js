// Full-text search over the pagefind bundle; each hit links to the paragraph that holds it.
// Pagefind records every element with an id as an anchor at a word position; a hit goes
// to the last anchor at or before its first word (paragraphs, items, tables carry ids).
const root = document.documentElement.dataset.root || "";
const form = document.getElementById("search-form");
const input = document.getElementById("q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const siteRoot = new URL(root || "./", location.href);
const BLOCKS = new Set(["p", "li", "div", "figure", "aside", "section", "h1", "h2", "h3", "h4", "td", "th", "tr"]);
const MAX_PAGES = 30, MAX_HITS = 4, CONTEXT = 36;
let pagefind = null;

async function engine() {
  if (!pagefind) {
    pagefind = await import(new URL("pagefind/pagefind.js", siteRoot).href);
    await pagefind.options({ baseUrl: siteRoot.pathname, excerptLength: 40 });
  }
  return pagefind;
}

function anchorFor(data, location) {
  let best = null;
  for (const a of data.anchors || []) {
    if (a.location <= location && BLOCKS.has(a.element) && a.id) best = a;
  }
  return best;
}

function snippet(text, terms) {
  const el = document.createElement("p");
  let at = -1, len = 0;
  for (const t of terms) {
    const i = text.indexOf(t);
    if (i >= 0 && (at < 0 || i < at)) { at = i; len = t.length; }
  }
  const start = Math.max(0, at - CONTEXT);
  const end = at < 0 ? Math.min(text.length, CONTEXT * 2) : Math.min(text.length, at + len + CONTEXT);
  if (start > 0) el.append("…");
  if (at < 0) {
    el.append(text.slice(start, end));
  } else {
    el.append(text.slice(start, at));
    const mark = document.createElement("mark");
    mark.textContent = text.slice(at, at + len);
    el.append(mark, text.slice(at + len, end));
  }
  if (end < text.length) el.append("…");
  return el;
}

function pageUrl(data) {
  // baseUrl is this site's path on the host, so data.url is an absolute path.
  return new URL(data.url, location.href);
}

function render(query, results) {
  list.replaceChildren();
  const terms = query.split(/\s+/).filter(Boolean);
  for (const data of results) {
    const li = document.createElement("li");
    const h = document.createElement("h2");
    const a = document.createElement("a");
    const url = pageUrl(data);
    a.href = url.href;
    a.textContent = (data.meta && data.meta.title) || data.url;
    h.append(a);
    li.append(h);
    const hits = document.createElement("ul");
    hits.className = "hits";
    const seen = new Set();
    const found = [];
    for (const loc of data.locations || []) {
      const anchor = anchorFor(data, loc);
      if (!anchor || seen.has(anchor.id)) continue;
      seen.add(anchor.id);
      found.push(anchor);
    }
    // the paragraphs that hold a whole query term; the others only match its segments
    const whole = (a) => terms.some((t) => (a.text || "").includes(t));
    const ordered = (found.some(whole) ? found.filter(whole) : found).slice(0, MAX_HITS);
    for (const anchor of ordered) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = url.pathname + "#" + anchor.id;
      link.className = "hit";
      link.dataset.anchor = anchor.id;
      if (anchor.text) {
        link.append(snippet(anchor.text, terms));
      } else {
        // tables and boxes have no text of their own in the index: show pagefind's excerpt
        const p = document.createElement("p");
        p.innerHTML = data.excerpt; // pagefind escapes the page text and adds only <mark>
        link.append(p);
      }
      item.append(link);
      hits.append(item);
    }
    if (!seen.size) {
      const p = document.createElement("p");
      p.innerHTML = data.excerpt; // pagefind escapes the text and adds only <mark>
      li.append(p);
    } else {
      li.append(hits);
    }
    list.append(li);
  }
}

async function run(query) {
  query = query.trim();
  if (!query) { status.textContent = ""; list.replaceChildren(); return; }
  status.textContent = "正在搜索……";
  const pf = await engine();
  const search = await pf.search(query);
  const results = await Promise.all(search.results.slice(0, MAX_PAGES).map((r) => r.data()));
  render(query, results);
  status.textContent = results.length
    ? `“${query}”：${search.results.length} 个页面`
    : `没有找到“${query}”。`;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const q = input.value;
  history.replaceState(null, "", "?q=" + encodeURIComponent(q));
  run(q);
});
const initial = new URLSearchParams(location.search).get("q");
if (initial) { input.value = initial; run(initial); }
const top = document.getElementById("q-top");
if (top && initial) top.value = initial;
