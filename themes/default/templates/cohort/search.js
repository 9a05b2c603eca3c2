// The cohort hub's search page: a small UI on Pagefind's JavaScript API.
// Published as assets/cohort-search.js by `cmaltgen cohort build` (copied as it is, not rendered).
// The index is built by `cmaltgen cohort build` into pagefind/ at the hub's root (a large
// cohort's in parts, listed in the form's data-parts). Everything is
// found relative to the hub's root (the form's data-root), so the hub works at a domain root,
// under a GitHub Pages sub-path and anywhere else. Opened from disk (file://) browsers refuse
// to load the index; the page then says so and the section list below the form still works.
// A classic script (not a module), so that it runs from disk too and can say so there.
(() => {
const MAX_SHOWN = 30;
const form = document.querySelector("form[data-hub-search]");
if (form) start(form);

async function start(form) {
  const input = form.querySelector('input[type="search"]');
  const status = document.getElementById("hub-search-status");
  const list = document.getElementById("hub-search-results");
  const root = new URL(form.dataset.root || "./", document.baseURI);
  root.hash = "";
  root.search = "";
  root.pathname = root.pathname.replace(/[^/]*$/, "");
  const asked = new URL(location.href).searchParams.get("q");
  if (asked) input.value = asked; // a shared link: the words show at once, results follow

  let pagefind;
  try {
    if (!/^https?:$/.test(root.protocol)) throw new Error("not served over http(s)");
    pagefind = await import(new URL("pagefind/pagefind.js", root).href);
    // Result URLs of the hub's own pages start at the hub's root, wherever it is served.
    const options = { baseUrl: root.pathname, excerptLength: 24 };
    await pagefind.options(options);
    await pagefind.init();
    // A large cohort's index comes in parts (pagefind/part-1/...): one search covers them all.
    for (const part of (form.dataset.parts || "").split(" ").filter(Boolean)) {
      await pagefind.mergeIndex(new URL(part, root).pathname, options);
    }
  } catch (error) {
    const served = /^https?:$/.test(root.protocol);
    form.hidden = true;
    list.hidden = true;
    const note = document.createElement("p");
    note.className = "search-unavailable";
    note.textContent = served
      ? "Search could not start in this browser. Every section page is listed below."
      : "Search works only when the hub is opened from a web address (http or https), not " +
        "from a file on this computer. Every section page is listed below.";
    status.replaceWith(note);
    return;
  }

  let latest = 0;
  const run = async (words) => {
    const ticket = ++latest;
    const query = words.trim();
    if (!query) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    const found = await pagefind.search(query);
    if (ticket !== latest || !found) return; // a newer search replaced this one
    const data = await Promise.all(found.results.slice(0, MAX_SHOWN).map((r) => r.data()));
    if (ticket !== latest) return;
    list.replaceChildren(...data.map((d) => item(d, root)));
    const total = found.results.length;
    const shown = total > MAX_SHOWN ? ` (the first ${MAX_SHOWN} are shown)` : "";
    status.textContent =
      total === 0
        ? `No results for “${query}”.`
        : `${total} result${total === 1 ? "" : "s"} for “${query}”${shown}.`;
  };

  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => run(input.value).then(remember), 250);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    run(input.value).then(remember);
  });
  const remember = () => {
    const url = new URL(location.href);
    if (input.value.trim()) url.searchParams.set("q", input.value.trim());
    else url.searchParams.delete("q");
    history.replaceState(null, "", url);
  };

  if (input.value.trim()) run(input.value);
}

// One result: a link to the member's section (or the hub page), who and what, and the excerpt.
function item(data, root) {
  const li = document.createElement("li");
  const heading = document.createElement("h2");
  heading.className = "result-title";
  const link = document.createElement("a");
  link.href = target(data, root);
  link.textContent = (data.meta && data.meta.title) || link.href;
  heading.append(link);
  li.append(heading);
  // Where the link leads, in words: this hub, or a member's own site (and its address).
  const meta = data.meta || {};
  const where = document.createElement("p");
  where.className = "result-where meta";
  if (link.href.startsWith(root.href)) {
    where.textContent = meta.member ? `${meta.member}, as listed on this hub` : "A page of this hub";
  } else {
    const host = new URL(link.href).host;
    where.textContent = meta.member ? `${meta.member}'s portfolio (${host})` : host;
  }
  li.append(where);
  const excerpt = document.createElement("p");
  excerpt.className = "result-excerpt";
  excerpt.append(...safeExcerpt(data.excerpt || ""));
  if (excerpt.textContent.trim()) li.append(excerpt);
  return li;
}

// A record names its target in its metadata: a member's page, or a path inside the hub
// (resolved from the hub's root). A hub page's own URL already starts with the hub's root path.
function target(data, root) {
  const named = data.meta && data.meta.url;
  try {
    const url = new URL(named || String(data.url || ""), root);
    if (url.protocol === "http:" || url.protocol === "https:" || url.protocol === "file:") {
      return url.href;
    }
  } catch (error) {
    // an address that does not parse: fall through to the hub's home page
  }
  return root.href;
}

// Pagefind's excerpt is HTML with <mark> around the words found. Only its text and the marks
// are kept: nothing from the index becomes markup.
function safeExcerpt(html) {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const parts = [];
  for (const node of parsed.body.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      parts.push(mark);
    } else {
      parts.push(document.createTextNode(node.textContent));
    }
  }
  return parts;
}
})();
