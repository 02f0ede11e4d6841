/**
 * The docs site in a real browser. Builds the site (or reuses a build whose
 * inputs have not changed), serves `dist/docs` on 127.0.0.1, and drives
 * Debian's headless Chromium over the DevTools protocol (Deno's WebSocket, no
 * browser download): the home page, the IVssBackupComponents page with its
 * reference link and summary, the main function's page, both search boxes;
 * then crawls every page for links that do not resolve, type-checks the
 * guides' examples, and saves a screenshot to `dist/docs-screenshot.png`.
 * Chromium and the server are stopped and no process is left behind.
 *
 * Needs `/usr/bin/chromium` (`apt-get install -y chromium`).
 *
 * @module
 */

import { assert, assertEquals } from "../assert.ts";
import { HRESULT } from "../../ffi/generated/hresults.ts";
import { parseDenoSearchIndex } from "../../scripts/docs/api_pages.ts";
import { BUILD_INFO, buildSite, builtFingerprint } from "../../scripts/docs/build.ts";
import { ccByUrl, defaultOutDir, projectRoot } from "../../scripts/docs/config.ts";
import { inputFingerprint } from "../../scripts/docs/fingerprint.ts";
import { checkCodeSpan, codeExamples, readGuides } from "../../scripts/docs/guides.ts";
import { decodeEntities } from "../../scripts/docs/html.ts";
import {
  loadReferenceEntries,
  readAbi,
  type ReferenceEntry,
} from "../../scripts/docs/reference.ts";
import { serveSite, type SiteServer } from "../../scripts/docs/serve.ts";

/** The high-level entry point whose page must render; switch it when the high-level API lands. */
const MAIN_FUNCTION = "createShadowCopySet";
/** The interface whose page is checked in the browser. */
const MAIN_INTERFACE = "IVssBackupComponents";
/** The method the searches must find. */
const SEARCH_FOR = "AddToSnapshotSet";
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
];
const SCREENSHOT = `${projectRoot}/dist/docs-screenshot.png`;
const ATTRIBUTION = "Summary from the Microsoft VSS documentation, CC-BY-4.0";

// ---------------------------------------------------------------------------
// DevTools protocol over Deno's WebSocket

type Json = Record<string, unknown>;
interface CdpMessage {
  id?: number;
  method?: string;
  params?: Json;
  result?: Json;
  error?: { message: string };
  sessionId?: string;
}

class Cdp {
  readonly #ws: WebSocket;
  #next = 1;
  readonly #pending = new Map<number, { resolve(v: Json): void; reject(e: Error): void }>();
  readonly #listeners = new Set<(m: CdpMessage) => void>();
  readonly #closed: Promise<void>;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as CdpMessage;
      if (message.id !== undefined) {
        const waiter = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        if (message.error) waiter?.reject(new Error(message.error.message));
        else waiter?.resolve(message.result ?? {});
      } else {
        for (const listener of this.#listeners) listener(message);
      }
    };
    this.#closed = new Promise((resolve) => {
      ws.onclose = () => {
        for (const waiter of this.#pending.values()) waiter.reject(new Error("DevTools closed"));
        this.#pending.clear();
        resolve();
      };
    });
  }

  static connect(url: string): Promise<Cdp> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => resolve(new Cdp(ws));
      ws.onerror = () => reject(new Error(`cannot open DevTools at ${url}`));
    });
  }

  send(method: string, params: Json = {}, sessionId?: string): Promise<Json> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#ws.send(JSON.stringify({ id, method, params, sessionId }));
    });
  }

  /** Calls `listener` for every event; returns the unsubscribe function. */
  on(listener: (m: CdpMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The next `method` event of `sessionId`; rejects after `timeoutMs`. */
  event(method: string, sessionId: string, timeoutMs: number): Promise<Json> {
    return new Promise((resolve, reject) => {
      const off = this.on((m) => {
        if (m.method === method && m.sessionId === sessionId) {
          clearTimeout(timer);
          off();
          resolve(m.params ?? {});
        }
      });
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
    });
  }

  async close(): Promise<void> {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.close();
    await this.#closed;
  }
}

class Page {
  readonly errors: string[] = [];
  readonly #cdp: Cdp;
  readonly #session: string;

  constructor(cdp: Cdp, session: string) {
    this.#cdp = cdp;
    this.#session = session;
    cdp.on((m) => {
      if (m.sessionId !== session) return;
      if (m.method === "Runtime.exceptionThrown") {
        const details = m.params?.exceptionDetails as Json;
        const exception = details.exception as Json | undefined;
        this.errors.push(`exception: ${exception?.description ?? details.text}`);
      }
      if (m.method === "Log.entryAdded") {
        const entry = m.params?.entry as Json;
        if (entry.level === "error") this.errors.push(`console: ${entry.text} ${entry.url ?? ""}`);
      }
    });
  }

  static async open(cdp: Cdp): Promise<Page> {
    const { targetId } = await cdp.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await cdp.send("Target.attachToTarget", { targetId, flatten: true });
    const page = new Page(cdp, sessionId as string);
    for (const domain of ["Page", "Runtime", "Log"]) await page.send(`${domain}.enable`);
    await page.send("Emulation.setDeviceMetricsOverride", {
      width: 1280,
      height: 900,
      deviceScaleFactor: 1,
      mobile: false,
    });
    return page;
  }

  send(method: string, params: Json = {}): Promise<Json> {
    return this.#cdp.send(method, params, this.#session);
  }

  /** Runs `action` and waits for the page load it causes. */
  async loading(action: () => Promise<unknown>): Promise<void> {
    const loaded = this.#cdp.event("Page.loadEventFired", this.#session, 15_000);
    await action();
    await loaded;
  }

  goto(url: string): Promise<void> {
    return this.loading(() => this.send("Page.navigate", { url }));
  }

  async eval<T>(expression: string): Promise<T> {
    const reply = await this.send("Runtime.evaluate", {
      expression,
      returnByValue: true,
      awaitPromise: true,
    });
    if (reply.exceptionDetails) {
      throw new Error(`evaluating ${expression}: ${JSON.stringify(reply.exceptionDetails)}`);
    }
    return (reply.result as Json).value as T;
  }

  /** Polls `expression` until it is truthy; returns its value. */
  async waitFor<T>(expression: string, what: string, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await this.eval<T>(expression);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Types `text` with real key events into the focused element. */
  async type(text: string): Promise<void> {
    for (const ch of text) {
      await this.send("Input.dispatchKeyEvent", { type: "keyDown", key: ch, text: ch });
      await this.send("Input.dispatchKeyEvent", { type: "keyUp", key: ch });
    }
  }

  async press(key: "Enter" | "Escape"): Promise<void> {
    const code = key === "Enter" ? 13 : 27;
    await this.send("Input.dispatchKeyEvent", {
      type: "keyDown",
      key,
      code: key,
      windowsVirtualKeyCode: code,
      ...(key === "Enter" ? { text: "\r" } : {}),
    });
    await this.send("Input.dispatchKeyEvent", {
      type: "keyUp",
      key,
      code: key,
      windowsVirtualKeyCode: code,
    });
  }

  async screenshot(path: string): Promise<void> {
    const { data } = await this.send("Page.captureScreenshot", { format: "png" });
    const bytes = Uint8Array.from(atob(data as string), (c) => c.charCodeAt(0));
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    await Deno.writeFile(path, bytes);
  }

  /** Asserts that no script error or failed load was logged, then forgets them. */
  assertNoErrors(where: string): void {
    const errors = this.errors.splice(0);
    assertEquals(errors, [], `browser errors on ${where}`);
  }
}

// ---------------------------------------------------------------------------
// Chromium process

interface Browser {
  cdp: Cdp;
  child: Deno.ChildProcess;
  profile: string;
  /** Every process started for this browser that was seen so far. */
  seen: Set<number>;
  stderr: Promise<string>;
}

/** The pids of `root` and its descendants. */
function processTree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry.name)]);
    } catch {
      // the process ended meanwhile
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(parents.get(out[i]) ?? []));
  return out;
}

/** Live processes among `pids`, plus any whose command line names `profile`. */
function survivors(pids: Iterable<number>, profile: string): number[] {
  const alive = new Set<number>();
  for (const pid of pids) {
    try {
      const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
      if (!/\) Z /.test(stat)) alive.add(pid);
    } catch {
      // gone
    }
  }
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      if (Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).includes(profile)) {
        alive.add(Number(entry.name));
      }
    } catch {
      // gone
    }
  }
  return [...alive];
}

async function launchChromium(): Promise<Browser> {
  try {
    await Deno.stat(CHROMIUM);
  } catch {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's Chromium with apt-get install -y chromium`,
    );
  }
  const profile = await Deno.makeTempDir({ prefix: "vss-docs-chromium-" });
  const child = new Deno.Command(CHROMIUM, {
    args: [
      ...CHROMIUM_FLAGS,
      `--user-data-dir=${profile}`,
      "--remote-debugging-port=0",
      "about:blank",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const seen = new Set<number>([child.pid]);
  try {
    const deadline = Date.now() + 20_000;
    let port: string | null = null;
    while (port === null) {
      try {
        port = (await Deno.readTextFile(`${profile}/DevToolsActivePort`)).split("\n")[0].trim() ||
          null;
      } catch {
        // not written yet
      }
      if (port === null) {
        if (Date.now() > deadline) {
          throw new Error("Chromium did not open its DevTools port in 20 s");
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const version = await fetch(`http://127.0.0.1:${port}/json/version`).then((r) => r.json());
    const cdp = await Cdp.connect(version.webSocketDebuggerUrl);
    processTree(child.pid).forEach((pid) => seen.add(pid));
    return { cdp, child, profile, seen, stderr };
  } catch (error) {
    child.kill("SIGKILL");
    await child.status;
    const log = await stderr;
    await Deno.remove(profile, { recursive: true }).catch(() => {});
    throw new Error(`${(error as Error).message}\nChromium said:\n${log.slice(-2000)}`);
  }
}

/** Closes Chromium, kills any process of it that is left, and returns those that were. */
async function closeChromium(browser: Browser): Promise<number[]> {
  processTree(browser.child.pid).forEach((pid) => browser.seen.add(pid));
  try {
    await Promise.race([
      browser.cdp.send("Browser.close"),
      new Promise((resolve) => setTimeout(resolve, 3_000)),
    ]);
  } catch {
    // the connection may drop before the answer
  }
  await browser.cdp.close();
  const exited = await Promise.race([
    browser.child.status.then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), 5_000)),
  ]);
  if (!exited) browser.child.kill("SIGKILL");
  await browser.child.status;
  await browser.stderr;
  let left: number[] = [];
  for (let i = 0; i < 30; i++) {
    left = survivors(browser.seen, browser.profile);
    if (left.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const pid of left) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  await Deno.remove(browser.profile, { recursive: true }).catch(() => {});
  return left;
}

// ---------------------------------------------------------------------------
// Link crawl

interface CrawlReport {
  pages: number;
  checked: number;
  broken: string[];
}

async function htmlFilesUnder(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory) out.push(...await htmlFilesUnder(`${dir}/${entry.name}`, relative));
    else if (entry.name.endsWith(".html")) out.push(relative);
  }
  return out;
}

/**
 * Fetches every HTML page of the site (all files on disk, and whatever they
 * link to) and every same-origin `href`/`src` target, which must answer 200.
 * Fragments are checked for links out of the site's own pages (everything but
 * deno doc's output, whose in-page anchors are its own business).
 */
async function crawl(origin: string, dir: string, extraTargets: string[]): Promise<CrawlReport> {
  const base = new URL(origin);
  const status = new Map<string, Promise<number>>();
  const html = new Map<string, string>();
  const from = new Map<string, string>();
  const fragments: { page: string; target: string; id: string }[] = [];
  const queue: string[] = [];
  const enqueue = (url: string, referrer: string) => {
    if (status.has(url)) return;
    from.set(url, referrer);
    status.set(url, Promise.resolve(-1));
    queue.push(url);
  };
  for (const file of await htmlFilesUnder(dir)) enqueue(new URL(file, base).href, "(file on disk)");
  for (const target of extraTargets) enqueue(new URL(target, base).href, "(search index)");
  const visit = async (url: string) => {
    const response = await fetch(url);
    const type = response.headers.get("content-type") ?? "";
    if (response.status !== 200 || !type.startsWith("text/html")) {
      await response.body?.cancel();
      status.set(url, Promise.resolve(response.status));
      return;
    }
    const text = await response.text();
    status.set(url, Promise.resolve(200));
    html.set(url, text);
    const ownPage = !new URL(url).pathname.startsWith("/api/");
    for (const match of text.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      const raw = decodeEntities(match[1]);
      if (raw === "" || /^(javascript|mailto|data):/i.test(raw)) continue;
      const target = new URL(raw, url);
      if (target.origin !== base.origin) continue;
      const hash = target.hash.slice(1);
      target.hash = "";
      if (hash && (ownPage || match[0].includes("vss-"))) {
        fragments.push({ page: url, target: target.href, id: decodeURIComponent(hash) });
      }
      enqueue(target.href, url);
    }
  };
  let checked = 0;
  const workers = Array.from({ length: 8 }, async () => {
    for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
      await visit(url);
      checked++;
    }
  });
  await Promise.all(workers);
  const broken: string[] = [];
  for (const [url, code] of status) {
    const value = await code;
    if (value !== 200) broken.push(`${url} -> ${value} (linked from ${from.get(url)})`);
  }
  for (const { page, target, id } of fragments) {
    const body = html.get(target);
    if (body !== undefined && !body.includes(`id="${id}"`)) {
      broken.push(`${target}#${id} -> no such anchor (linked from ${page})`);
    }
  }
  return { pages: html.size, checked, broken };
}

// ---------------------------------------------------------------------------
// The test

async function ensureBuilt(): Promise<string> {
  const [built, wanted] = await Promise.all([builtFingerprint(defaultOutDir), inputFingerprint()]);
  if (built === wanted) return `reused the build in dist/docs (inputs unchanged)`;
  const report = await buildSite();
  return `built dist/docs in ${report.ms} ms`;
}

function learnLink(entry: ReferenceEntry): string {
  return `href="${entry.url}"`;
}

Deno.test("the guide checker rejects API names the binding does not have", () => {
  const api = {
    pages: new Map([
      ["VssError", "api/~/VssError.html"],
      ["VssError.prototype.codeName", "api/~/VssError.prototype.codeName.html"],
      ["HRESULT", "api/~/HRESULT.html"],
      ["HRESULT.VSS_E_BAD_STATE", "api/~/HRESULT.VSS_E_BAD_STATE.html"],
      ["settle", "api/~/settle.html"],
    ]),
    interfaceMethods: new Map([["IVssBackupComponents", new Set(["AddToSnapshotSet"])]]),
    parameterNames: new Set(["pidSnapshot"]),
  };
  for (
    const ok of [
      "settle()",
      "VssError.codeName",
      "VSS_E_BAD_STATE",
      "pidSnapshot",
      "deno doc",
      "Deno.execPath",
    ]
  ) {
    assertEquals(checkCodeSpan(ok, api), null, ok);
  }
  for (
    const bad of [
      "IVssBackupComponents::AddToSnapshotSett",
      "VssError.codename",
      "VSS_E_BAD_STATES",
      "IVssNothing",
    ]
  ) {
    assert(checkCodeSpan(bad, api) !== null, `${bad} should be rejected`);
  }
});

Deno.test({
  name: "docs site: builds, renders in headless Chromium, searches, and has no broken link",
  async fn(t) {
    const started = performance.now();
    console.log(`docs site: ${await ensureBuilt()}`);
    const buildInfo = JSON.parse(await Deno.readTextFile(`${defaultOutDir}/${BUILD_INFO}`));
    const entries = await loadReferenceEntries(await readAbi());
    let server: SiteServer | null = null;
    let browser: Browser | null = null;
    try {
      server = await serveSite({ dir: defaultOutDir });
      browser = await launchChromium();
      const origin = server.origin;
      const page = await Page.open(browser.cdp);
      processTree(browser.child.pid).forEach((pid) => browser!.seen.add(pid));

      await t.step("the home page renders with the guides and the API reference", async () => {
        await page.goto(`${origin}index.html`);
        const home = await page.eval<{ title: string; h1: string; cards: number; api: boolean }>(`({
          title: document.title,
          h1: document.querySelector("main h1")?.textContent ?? "",
          cards: document.querySelectorAll(".cards a.card").length,
          api: [...document.querySelectorAll("a")].some((a) => a.getAttribute("href") === "api/index.html"),
        })`);
        assertEquals(home.h1, "vss-requester");
        assert(home.title.includes("vss-requester"), home.title);
        assertEquals(home.cards, buildInfo.guides - 1, "one card per guide");
        assert(home.api, "the home page links the API reference");
        page.assertNoErrors("the home page");
      });

      await t.step(`the ${MAIN_INTERFACE} page shows its Microsoft link and summary`, async () => {
        await page.goto(`${origin}api/~/${MAIN_INTERFACE}.html`);
        const own = entries.find((e) => e.label === MAIN_INTERFACE)!;
        const method = entries.find((e) => e.label === `${MAIN_INTERFACE}::${SEARCH_FOR}`)!;
        assert(own.summary && method.summary, "the corpus has both summaries");
        const seen = await page.eval<
          {
            heading: string;
            blocks: {
              label: string;
              links: string[];
              summary: string;
              attribution: string;
              visible: boolean;
            }[];
          }
        >(`({
          heading: document.querySelector(".symbolTitle")?.textContent.replace(/\\s+/g, " ").trim() ?? "",
          blocks: [...document.querySelectorAll(".vss-ref")].map((b) => ({
            label: b.dataset.vssRef,
            links: [...b.querySelectorAll("a")].map((a) => a.href),
            summary: b.querySelector(".vss-ref-summary")?.textContent.trim() ?? "",
            attribution: b.querySelector(".vss-ref-attribution")?.textContent.replace(/\\s+/g, " ").trim() ?? "",
            visible: b.getBoundingClientRect().height > 0,
          })),
        })`);
        assert(seen.heading.includes(MAIN_INTERFACE), seen.heading);
        for (const entry of [own, method]) {
          const block = seen.blocks.find((b) => b.label === entry.label);
          assert(block, `no reference block for ${entry.label}`);
          assert(block.visible, `the ${entry.label} block is not visible`);
          assert(block.links.includes(entry.url), `${entry.label} does not link ${entry.url}`);
          assert(block.links.includes(ccByUrl), `${entry.label} does not link the licence`);
          assertEquals(block.summary, entry.summary);
          assertEquals(block.attribution, ATTRIBUTION);
        }
        const methods = entries.filter((e) =>
          e.interfaceName === MAIN_INTERFACE && e.method
        ).length;
        assertEquals(
          seen.blocks.length,
          methods + 1,
          "one block for the interface and each method",
        );
        page.assertNoErrors(`the ${MAIN_INTERFACE} page`);
      });

      await t.step(`the page of ${MAIN_FUNCTION} renders`, async () => {
        await page.goto(`${origin}api/~/${MAIN_FUNCTION}.html`);
        const fn = await page.eval<
          { title: string; signature: string; doc: string; sitebar: boolean }
        >(`({
          title: document.querySelector(".symbolTitle")?.textContent.replace(/\\s+/g, " ").trim() ?? "",
          signature: document.querySelector("main code")?.textContent ?? "",
          doc: document.querySelector("main .markdown")?.textContent ?? "",
          sitebar: !!document.querySelector(".vss-sitebar a[href$='index.html']"),
        })`);
        assert(fn.title.includes(MAIN_FUNCTION), fn.title);
        assert(fn.signature.includes(MAIN_FUNCTION), fn.signature);
        assert(fn.doc.trim().length > 0, "the function has a description");
        assert(fn.sitebar, "the site bar links back home");
        page.assertNoErrors(`the ${MAIN_FUNCTION} page`);
      });

      await t.step(
        "every generated interface and method links to learn.microsoft.com",
        async () => {
          const pages = new Map<string, string>();
          const read = async (file: string) => {
            if (!pages.has(file)) {
              pages.set(file, await Deno.readTextFile(`${defaultOutDir}/api/~/${file}`));
            }
            return pages.get(file)!;
          };
          const missing: string[] = [];
          for (const entry of entries) {
            const files = [`${entry.interfaceName}.html`];
            if (entry.method) {
              files.push(`${entry.interfaceName}.prototype.${entry.method}.html`);
            }
            for (const file of files) {
              const html = await read(file);
              if (
                !html.includes(`data-vss-ref="${entry.label}"`) || !html.includes(learnLink(entry))
              ) {
                missing.push(`${entry.label} on ${file}`);
              }
            }
          }
          assertEquals(missing, []);
          assertEquals(buildInfo.interfaces + buildInfo.methods, entries.length);
        },
      );

      await t.step(`deno doc's search finds ${SEARCH_FOR}`, async () => {
        await page.goto(`${origin}api/index.html`);
        await page.eval(`document.querySelector("#searchbar").focus()`);
        await page.type(SEARCH_FOR);
        const wanted = `${MAIN_INTERFACE}.prototype.${SEARCH_FOR}`;
        const href = await page.waitFor<string>(
          `[...document.querySelectorAll("#searchResults a")].find((a) =>
            a.pathname.endsWith(${JSON.stringify(`/${wanted}.html`)}) &&
            a.textContent.includes(${JSON.stringify(wanted)}))?.href`,
          `${wanted} among deno doc's search results`,
        );
        await page.loading(() =>
          page.eval(
            `[...document.querySelectorAll("#searchResults a")].find((a) => a.href === ${
              JSON.stringify(href)
            }).click()`,
          )
        );
        const title = await page.eval<string>(
          `document.querySelector(".symbolTitle")?.textContent ?? ""`,
        );
        assert(title.includes(wanted), title);
        page.assertNoErrors("deno doc's search");
      });

      await t.step(`the site search finds ${SEARCH_FOR} and Enter opens it`, async () => {
        await page.goto(`${origin}index.html`);
        await page.eval(`document.querySelector("#site-search").focus()`);
        await page.type(SEARCH_FOR);
        const first = await page.waitFor<string>(
          `!document.querySelector("#site-search-results").hidden && document.querySelector("#site-search-results li .result-name")?.textContent`,
          "site search results",
        );
        assertEquals(first, `${MAIN_INTERFACE}.${SEARCH_FOR}`);
        await page.screenshot(SCREENSHOT);
        await page.loading(() => page.press("Enter"));
        const url = await page.eval<string>("location.pathname");
        assertEquals(url, `/api/~/${MAIN_INTERFACE}.prototype.${SEARCH_FOR}.html`);
        page.assertNoErrors("the site search");
      });

      await t.step(
        "a guide page has the sidebar, a table of contents and the HRESULT table",
        async () => {
          await page.goto(`${origin}guides/errors.html`);
          const guide = await page.eval<
            { sidebar: number; current: string; toc: number; rows: number }
          >(`({
          sidebar: document.querySelectorAll(".sidebar a").length,
          current: document.querySelector(".sidebar a[aria-current=page]")?.textContent ?? "",
          toc: document.querySelectorAll(".toc a").length,
          rows: document.querySelectorAll("table.hresults tbody tr").length,
        })`);
          assertEquals(guide.rows, Object.keys(HRESULT).length);
          assert(
            guide.sidebar >= buildInfo.guides + 2,
            "the sidebar lists the guides and the reference",
          );
          assert(guide.current.length > 0, "the sidebar marks the current guide");
          assert(guide.toc > 3, "the guide has a table of contents");
          page.assertNoErrors("the errors guide");
        },
      );

      await t.step("every internal link of the site resolves", async () => {
        const index = await Deno.readTextFile(`${defaultOutDir}/search-index.js`);
        const entries = JSON.parse(index.slice(index.indexOf("{"), index.lastIndexOf("}") + 1))
          .entries as (string | null)[][];
        const denoIndex = await Deno.readTextFile(`${defaultOutDir}/api/search_index.js`);
        const nodes = parseDenoSearchIndex(denoIndex);
        const targets = [
          ...entries.map((e) => String(e[2]).split("#")[0]),
          ...nodes.map((n) => `api/${n.file}/~/${n.name}.html`),
        ];
        const report = await crawl(origin, defaultOutDir, targets);
        console.log(`docs site: crawled ${report.pages} pages, ${report.checked} addresses`);
        assertEquals(report.broken.slice(0, 20), [], `${report.broken.length} broken links`);
        assert(report.pages >= buildInfo.apiPages + buildInfo.guides, "every page was crawled");
      });

      await t.step("no page links to the build machine's files", async () => {
        const offenders: string[] = [];
        for (const file of await htmlFilesUnder(defaultOutDir)) {
          if (
            (await Deno.readTextFile(`${defaultOutDir}/${file}`)).includes('href="file:')
          ) offenders.push(file);
        }
        assertEquals(offenders, []);
      });
    } finally {
      if (browser) {
        const left = await closeChromium(browser);
        assertEquals(left, [], "Chromium processes left running (killed now)");
      }
      await server?.close();
    }
    console.log(
      `docs site: checked in ${
        Math.round(performance.now() - started)
      } ms; screenshot ${SCREENSHOT}`,
    );
  },
});

Deno.test("the guides' TypeScript examples type-check against mod.ts", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vss-docs-examples-" });
  try {
    const files: string[] = [];
    for (const guide of await readGuides()) {
      for (const example of codeExamples(guide)) {
        if (example.info !== "ts") continue;
        const code = example.code
          .replaceAll('from "@vss/requester"', `from "file://${projectRoot}/mod.ts"`)
          .replace(/from "\.\/([^"]+)"/g, (_, path) => `from "file://${projectRoot}/${path}"`);
        const file = `${dir}/${guide.slug}-line-${example.line}.ts`;
        await Deno.writeTextFile(file, code);
        files.push(file);
      }
    }
    assert(files.length >= 5, `only ${files.length} checked examples`);
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--config", `${projectRoot}/deno.json`, ...files],
      cwd: projectRoot,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const log = new TextDecoder().decode(output.stderr).replaceAll(`${dir}/`, "docs-src/guides/ ");
    assert(output.success, `guide examples do not type-check:\n${log}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
