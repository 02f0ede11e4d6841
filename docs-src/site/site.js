// The site's script, on guides, API and source pages alike: the one search box
// (guides, API symbols, HRESULT names and values), the menu button of narrow
// screens, the light/dark switch, and copy buttons on code blocks.
//
// The index (search-index.json, written by scripts/docs/build.ts; format in
// scripts/docs/search_index.ts) is fetched on first use of the search box.
(() => {
  const root = document.body.dataset.root ??
    (document.querySelector(".vss-brand")?.getAttribute("href") ?? "index.html").replace(
      /index\.html$/,
      "",
    );
  const MAX_RESULTS = 25;
  const html = document.documentElement;

  // Light and dark: the choice is kept in localStorage "theme" (as deno doc does).
  document.querySelector(".vss-theme")?.addEventListener("click", () => {
    const dark = !html.classList.contains("dark");
    html.classList.toggle("dark", dark);
    try {
      localStorage.setItem("theme", dark ? "dark" : "light");
    } catch {
      // storage unavailable: the switch holds for this page
    }
  });

  // Narrow screens: the menu button shows the site links and the sidebar.
  const menu = document.querySelector(".vss-menu");
  menu?.addEventListener("click", () => {
    const open = !document.body.classList.contains("nav-open");
    document.body.classList.toggle("nav-open", open);
    menu.setAttribute("aria-expanded", String(open));
  });

  // Copy buttons on the guides' code blocks (deno doc's pages have their own).
  for (const pre of document.querySelectorAll("pre.code:not(.source)")) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy-code";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy the code");
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(pre.querySelector("code")?.textContent ?? "");
        button.textContent = "Copied";
      } catch {
        button.textContent = "Select and copy";
      }
      setTimeout(() => (button.textContent = "Copy"), 1500);
    });
    pre.classList.add("has-copy");
    pre.append(button);
  }

  const input = document.getElementById("site-search");
  const box = document.getElementById("site-search-results");
  if (!input || !box) return;

  let loading = null;
  let entries = null;
  let hexNames = new Map();

  function load() {
    loading ??= fetch(`${root}search-index.json`).then((r) => r.json()).then((index) => {
      hexNames = new Map(
        Object.entries(index.hresults).map(([name, hex]) => [hex.toLowerCase(), name]),
      );
      entries = index.entries.map(([name, kind, prefix, path, text, context, mentions]) => {
        const display = name.replace(/\.prototype\./g, ".");
        const lower = display.toLowerCase();
        const kindName = index.kinds[kind];
        const hex = name.startsWith("HRESULT.") ? index.hresults[name.slice(8)] ?? "" : "";
        return {
          display,
          kind: kindName,
          url: index.prefixes[prefix] + (path || `${name}.html`),
          text: hex ? `${hex}${text ? ` · ${text}` : ""}` : text,
          context,
          lower,
          squashed: lower.replace(/[^a-z0-9]/g, ""),
          last: lower.slice(lower.lastIndexOf(".") + 1),
          lowerText: text.toLowerCase(),
          depth: display.split(".").length,
          // Symbols the guides mention often come first among equals.
          prominence: Math.min(6, Math.round(Math.log2(1 + (mentions ?? 0)))),
        };
      });
    });
    return loading;
  }

  const KIND_BONUS = {
    Function: 8,
    Class: 6,
    Guide: 5,
    Interface: 4,
    Section: 4,
    Method: 3,
    TypeAlias: 2,
  };
  const PROSE = new Set(["Guide", "Section"]);
  const CONTEXT_BONUS = { Requester: 4, Simulator: 1 };

  // An HRESULT written as hex (0x8004230f, 8004230F) → its name, or null.
  function hresultOf(query) {
    const match = /^(?:0x)?([0-9a-f]{1,8})$/i.exec(query);
    if (!match || (!query.startsWith("0x") && match[1].length !== 8)) return null;
    return hexNames.get(`0x${match[1].padStart(8, "0")}`) ?? null;
  }

  function score(entry, query, words, squashed, code) {
    let s;
    if (code && entry.lower === `hresult.${code.toLowerCase()}`) return 1000;
    if (code && entry.lower.endsWith(code.toLowerCase())) s = 90;
    else if (entry.lower === query) s = 100;
    else if (words.length > 1 && !PROSE.has(entry.kind) && entry.squashed.includes(squashed)) {
      // Words that spell an identifier ("shadow copy"): the API's actions first.
      s = 70 + (KIND_BONUS[entry.kind] ?? 0);
    } else if (entry.last === query) s = 95;
    else if (entry.last.startsWith(query)) s = 80;
    else if (entry.lower.startsWith(query)) s = 75;
    else if (entry.last.includes(query)) s = 60;
    else if (entry.lower.includes(query)) s = 50;
    else if (
      words.length > 1 && words.every((w) => entry.lower.includes(w) || entry.lowerText.includes(w))
    ) s = 30;
    else if (entry.lowerText.includes(query)) s = 20;
    else return 0;
    s += KIND_BONUS[entry.kind] ?? 0;
    s += CONTEXT_BONUS[entry.context] ?? 0;
    s -= entry.depth;
    s += entry.prominence;
    if (entry.lower.startsWith("vtables.")) s -= 10;
    return s;
  }

  function search(raw) {
    const query = raw.trim().toLowerCase();
    if (query.length < 2 || !entries) return [];
    const words = query.split(/\s+/);
    const squashed = words.join("");
    const code = hresultOf(query);
    const scored = [];
    for (const entry of entries) {
      const s = score(entry, query, words, squashed, code);
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
        `<span class="kind">${escape(r.kind)}</span>` +
        `<span class="result-name">${escape(r.display)}</span>` +
        (r.context ? `<span class="result-context">${escape(r.context)}</span>` : "") +
        (r.text ? `<span class="result-text">${escape(r.text)}</span>` : "") +
        `</a></li>`
      ).join("")
    }</ul>`;
  }

  async function update() {
    await load();
    render(search(input.value), input.value);
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
  input.addEventListener("focus", () => {
    load();
    if (input.value.trim().length >= 2) box.hidden = false;
  });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, 60);
  });
  input.addEventListener("keydown", async (event) => {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      move(1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      move(-1);
    } else if (event.key === "Enter") {
      clearTimeout(timer);
      await update();
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

  const initial = new URLSearchParams(globalThis.location.search).get("q");
  if (initial) {
    input.value = initial;
    update();
  }
})();
