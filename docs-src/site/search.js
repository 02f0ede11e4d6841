// Site search for the home page and the guides: looks up API symbols (from
// deno doc's index, pruned to symbols that have a page) and guide sections.
// The index is window.VSS_SEARCH_INDEX, written by scripts/docs/build.ts:
// { entries: [[name, kind, url, text, context], ...] }, urls relative to the site root.
(() => {
  const input = document.getElementById("site-search");
  const box = document.getElementById("site-search-results");
  const index = globalThis.VSS_SEARCH_INDEX;
  if (!input || !box || !index) return;
  const root = document.body.dataset.root ?? "";
  const MAX_RESULTS = 25;

  const entries = index.entries.map(([name, kind, url, text, context]) => {
    const display = name.replace(/\.prototype\./g, ".");
    const lower = display.toLowerCase();
    return {
      name,
      display,
      kind,
      url,
      text: text ?? "",
      context: context ?? "",
      lower,
      last: lower.slice(lower.lastIndexOf(".") + 1),
      lowerText: (text ?? "").toLowerCase(),
      depth: display.split(".").length,
    };
  });

  const KIND_BONUS = { Class: 6, Function: 6, Interface: 5, Guide: 5, Section: 4, Method: 4 };

  function score(entry, query, words) {
    let s;
    if (entry.lower === query) s = 100;
    else if (entry.last === query) s = 95;
    else if (entry.last.startsWith(query)) s = 80;
    else if (entry.lower.startsWith(query)) s = 75;
    else if (entry.last.includes(query)) s = 60;
    else if (entry.lower.includes(query)) s = 50;
    else if (
      words.length > 1 && words.every((w) => entry.lower.includes(w) || entry.lowerText.includes(w))
    ) {
      s = 30;
    } else if (entry.lowerText.includes(query)) s = 20;
    else return 0;
    s += KIND_BONUS[entry.kind] ?? 0;
    s -= entry.depth;
    if (entry.lower.startsWith("vtables.")) s -= 10;
    return s;
  }

  function search(raw) {
    const query = raw.trim().toLowerCase();
    if (query.length < 2) return [];
    const words = query.split(/\s+/);
    const scored = [];
    for (const entry of entries) {
      const s = score(entry, query, words);
      if (s > 0) scored.push([s, entry]);
    }
    scored.sort((a, b) => b[0] - a[0] || a[1].display.length - b[1].display.length);
    return scored.slice(0, MAX_RESULTS).map(([, entry]) => entry);
  }

  function escape(text) {
    return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  }

  let selected = -1;

  function render(results, raw) {
    selected = results.length > 0 ? 0 : -1;
    if (raw.trim().length < 2) {
      box.hidden = true;
      box.innerHTML = "";
      return;
    }
    box.hidden = false;
    if (results.length === 0) {
      box.innerHTML = `<p class="search-empty">No match for “${escape(raw.trim())}”.</p>`;
      return;
    }
    box.innerHTML = `<ul role="listbox">${
      results.map((r, i) =>
        `<li role="option"${i === 0 ? ' aria-selected="true"' : ""}><a href="${root}${
          escape(r.url)
        }">` +
        `<span class="kind kind-${escape(r.kind)}">${escape(r.kind)}</span>` +
        `<span class="result-name">${escape(r.display)}</span>` +
        (r.context ? `<span class="result-context">${escape(r.context)}</span>` : "") +
        (r.text ? `<span class="result-text">${escape(r.text)}</span>` : "") +
        `</a></li>`
      ).join("")
    }</ul>`;
  }

  function move(delta) {
    const items = [...box.querySelectorAll("li")];
    if (items.length === 0) return;
    items[selected]?.removeAttribute("aria-selected");
    selected = (selected + delta + items.length) % items.length;
    items[selected].setAttribute("aria-selected", "true");
    items[selected].scrollIntoView({ block: "nearest" });
  }

  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => render(search(input.value), input.value), 60);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      move(1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      move(-1);
    } else if (event.key === "Enter") {
      clearTimeout(timer);
      render(search(input.value), input.value);
      const link = box.querySelectorAll("li a")[Math.max(selected, 0)];
      if (link) globalThis.location.href = link.href;
    } else if (event.key === "Escape") {
      input.value = "";
      render([], "");
      input.blur();
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "/" && document.activeElement !== input) {
      event.preventDefault();
      input.focus();
    }
  });
  document.addEventListener("click", (event) => {
    if (!box.contains(event.target) && event.target !== input) box.hidden = true;
  });
  input.addEventListener("focus", () => {
    if (input.value.trim().length >= 2) box.hidden = false;
  });

  const initial = new URLSearchParams(globalThis.location.search).get("q");
  if (initial) {
    input.value = initial;
    render(search(initial), initial);
  }
})();
