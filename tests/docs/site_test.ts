/**
 * The docs site in a real browser. Builds the site (or reuses a build whose
 * inputs have not changed), serves `dist/docs` on 127.0.0.1, and drives
 * Debian's headless Chromium over the DevTools protocol (Deno's WebSocket, no
 * browser download): the home page, the IVssBackupComponents page with its
 * reference link and summary, the main function's page, the model's blocks
 * (return codes of AddToSnapshotSet, the value of VSS_CTX_ALL, an HRESULT's
 * value and meaning), the one search box (symbols, hex codes, "shadow
 * copy"), pages at 375 px and in dark mode, the compressed weight of an API
 * page; then crawls every page for links that do not resolve, type-checks the
 * guides' examples, and saves screenshots to `dist/docs-screenshot*.png`.
 * Chromium and the server are stopped and no process is left behind.
 *
 * Needs `/usr/bin/chromium` (`apt-get install -y chromium`).
 *
 * @module
 */

import { assert, assertEquals } from "../assert.ts";
import { HRESULT } from "../../ffi/generated/hresults.ts";
import { BUILD_INFO, buildSite, builtFingerprint, SEARCH_INDEX } from "../../scripts/docs/build.ts";
import {
  ccByUrl,
  defaultOutDir,
  entryPoints,
  packageVersion,
  projectRoot,
} from "../../scripts/docs/config.ts";
import { formatHresult } from "../../ffi/hresult.ts";
import { pathToFileURL } from "node:url";
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
/** The enumeration and member whose value the enum page must show. */
const ENUM = "VSS_SNAPSHOT_CONTEXT";
const ENUM_MEMBER = "VSS_CTX_ALL";
/** An HRESULT to find by its hex code. */
const HEX_CODE = "VSS_E_UNEXPECTED_PROVIDER_ERROR";
/** What an API page and its assets may weigh, compressed. */
const PAGE_BUDGET = 300 * 1024;
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

  /** Sets the viewport; `mobile` also makes it a touch device. */
  async viewport(width: number, mobile = false): Promise<void> {
    await this.send("Emulation.setDeviceMetricsOverride", {
      width,
      height: 900,
      deviceScaleFactor: 1,
      mobile,
    });
  }

  /** Emulates `prefers-color-scheme`. */
  async colorScheme(value: "light" | "dark"): Promise<void> {
    await this.send("Emulation.setEmulatedMedia", {
      features: [{ name: "prefers-color-scheme", value }],
    });
  }

  /** Clears the text of the focused input, then types `text`. */
  async retype(selector: string, text: string): Promise<void> {
    await this.eval(`(() => { const i = document.querySelector(${JSON.stringify(selector)});
      i.value = ""; i.focus(); })()`);
    await this.type(text);
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

/** The site search index as written by the build: name → site-relative address. */
async function apiPages(): Promise<Map<string, string>> {
  const index = JSON.parse(await Deno.readTextFile(`${defaultOutDir}/${SEARCH_INDEX}`)) as {
    prefixes: string[];
    entries: [string, number, number, string, string, string][];
  };
  const out = new Map<string, string>();
  for (const [name, , prefix, path] of index.entries) {
    if (!out.has(name)) out.set(name, index.prefixes[prefix] + (path || `${name}.html`));
  }
  return out;
}

/** Every same-origin stylesheet and script an HTML page loads up front. */
function pageAssets(html: string, pageUrl: string): string[] {
  const out: string[] = [];
  for (
    const m of html.matchAll(
      /<(?:link[^>]*rel="stylesheet"[^>]*|script[^>]*)\s(?:href|src)="([^"]+)"/g,
    )
  ) {
    const url = new URL(decodeEntities(m[1]), pageUrl);
    if (url.origin === new URL(pageUrl).origin) out.push(url.href);
  }
  return out;
}

/** Bytes on the wire for `url` with `coding`, and the uncompressed size. */
async function transfer(url: string, coding: string): Promise<{ wire: number; raw: number }> {
  const response = await fetch(url, { headers: { "accept-encoding": coding } });
  const wire = (await response.arrayBuffer()).byteLength;
  assertEquals(response.status, 200, url);
  const raw = (await (await fetch(url, { headers: { "accept-encoding": "identity" } }))
    .arrayBuffer()).byteLength;
  // fetch decodes the body: the wire size is the content-length header when compressed.
  const length = Number(response.headers.get("content-length") ?? wire);
  return { wire: response.headers.get("content-encoding") ? length : wire, raw };
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

      const pages = await apiPages();
      const pageOf = (name: string) => {
        const url = pages.get(name);
        assert(url, `the site search index has no page for ${name}`);
        return url;
      };
      await t.step(`the ${MAIN_INTERFACE} page shows its Microsoft link and summary`, async () => {
        await page.goto(`${origin}${pageOf(MAIN_INTERFACE)}`);
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
        await page.goto(`${origin}${pageOf(MAIN_FUNCTION)}`);
        const fn = await page.eval<
          { title: string; signature: string; doc: string; sitebar: boolean }
        >(`({
          title: document.querySelector(".symbolTitle")?.textContent.replace(/\\s+/g, " ").trim() ?? "",
          signature: document.querySelector("main code")?.textContent ?? "",
          doc: document.querySelector("main .markdown")?.textContent ?? "",
          sitebar: !!document.querySelector(".vss-header a.vss-brand[href$='index.html']"),
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
          const seen = new Map<string, string>();
          const read = async (file: string) => {
            if (!seen.has(file)) {
              seen.set(file, await Deno.readTextFile(`${defaultOutDir}/${file}`));
            }
            return seen.get(file)!;
          };
          const missing: string[] = [];
          for (const entry of entries) {
            const files = [pageOf(entry.interfaceName)];
            if (entry.method) {
              files.push(pageOf(`${entry.interfaceName}.prototype.${entry.method}`));
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

      const methodPage = pageOf(`${MAIN_INTERFACE}.prototype.${SEARCH_FOR}`);
      await t.step(`${SEARCH_FOR}'s page shows its slot, parameters and return codes`, async () => {
        const abi = await readAbi();
        const method = abi.interfaces[MAIN_INTERFACE].methods.find((m) => m.name === SEARCH_FOR)!;
        await page.goto(`${origin}${methodPage}`);
        const seen = await page.eval<{
          slot: string;
          signature: string;
          params: string[][];
          codes: string[][];
          attribution: string;
        }>(`(() => {
          const block = document.querySelector('[data-vss-model="method"]');
          const rows = (sel) => [...block.querySelectorAll(sel + " tbody tr")]
            .map((tr) => [...tr.cells].map((c) => c.textContent.trim()));
          return {
            slot: block.querySelector("[data-vss-slot]").textContent,
            signature: block.querySelector("pre.vss-c").textContent,
            params: rows("table.vss-params"),
            codes: rows("table.vss-codes"),
            attribution: block.querySelector(".vss-ref-attribution")?.textContent ?? "",
          };
        })()`);
        assertEquals(seen.slot, String(method.slot));
        assert(seen.signature.startsWith(`HRESULT ${SEARCH_FOR}(`), seen.signature);
        assertEquals(seen.params, method.params.map((p) => [p.name, p.type, p.direction]));
        assertEquals(seen.codes.map((r) => r[0]), method.returnCodes);
        assertEquals(
          seen.codes.map((r) => r[1]),
          method.returnCodes!.map((c) => formatHresult(HRESULT[c as keyof typeof HRESULT])),
        );
        assert(seen.codes.every((r) => r[2].length > 0), "every code has its meaning");
        assert(seen.attribution.includes("CC-BY-4.0"), seen.attribution);
        page.assertNoErrors(`the ${SEARCH_FOR} page`);
      });

      await t.step(`the ${ENUM} page shows every member's value`, async () => {
        const abi = await readAbi();
        await page.goto(`${origin}${pageOf(ENUM)}`);
        const rows = await page.eval<string[][]>(
          `[...document.querySelectorAll('[data-vss-model="enum"] tbody tr')].map((tr) =>
            [...tr.cells].map((c) => c.textContent.trim()))`,
        );
        const members = abi.enums[ENUM].members;
        assertEquals(rows.map((r) => r[0]), Object.keys(members));
        const all = rows.find((r) => r[0] === ENUM_MEMBER)!;
        assertEquals(all[1], `${members[ENUM_MEMBER]} (0xFFFFFFFF)`);
        page.assertNoErrors(`the ${ENUM} page`);
      });

      await t.step(`the page of ${HEX_CODE} shows its value and meaning`, async () => {
        await page.goto(`${origin}${pageOf(`HRESULT.${HEX_CODE}`)}`);
        const seen = await page.eval<{ hex: string; meaning: string; attribution: string }>(`({
          hex: document.querySelector("[data-vss-hex]")?.textContent ?? "",
          meaning: document.querySelector(".vss-meaning")?.textContent ?? "",
          attribution: document.querySelector('[data-vss-model="hresult"] .vss-ref-attribution')?.textContent ?? "",
        })`);
        assertEquals(seen.hex, formatHresult(HRESULT[HEX_CODE]));
        assert(seen.meaning.length > 10, "the HRESULT has a meaning");
        assert(seen.attribution.includes("CC-BY-4.0"), "a quoted meaning is attributed");
        page.assertNoErrors(`the ${HEX_CODE} page`);
      });

      await t.step(
        "every API page names the package's entry points, not deno doc's modules",
        async () => {
          const offenders: string[] = [];
          const usages = new Set<string>();
          for (const file of await htmlFilesUnder(`${defaultOutDir}/api`)) {
            const html = await Deno.readTextFile(`${defaultOutDir}/api/${file}`);
            if (
              /contextLink">(default|binding|simulator)</.test(html) ||
              /from &quot;(\.|binding|simulator|\.\/mod\.ts)&quot;/.test(html)
            ) offenders.push(file);
            for (const m of html.matchAll(/import \{ \w+ \} from &quot;([^&]+)&quot;/g)) {
              usages.add(m[1]);
            }
          }
          assertEquals(offenders.slice(0, 10), [], `${offenders.length} pages`);
          for (const entry of entryPoints) {
            assert(usages.has(entry.specifier), `no usage box imports from ${entry.specifier}`);
          }
        },
      );

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
        const url = await page.eval<string>("decodeURIComponent(location.pathname)");
        assertEquals(url, `/${methodPage}`);
        page.assertNoErrors("the site search");
      });

      const firstResult = (what: string) =>
        page.waitFor<string>(
          `!document.querySelector("#site-search-results").hidden &&
           document.querySelector("#site-search-results li .result-name")?.textContent`,
          what,
        );

      await t.step(
        "the search index loads on first use of the search box, not with the page",
        async () => {
          await page.goto(`${origin}${methodPage}`);
          const before = await page.eval<string[]>(
            `performance.getEntriesByType("resource").map((e) => e.name)`,
          );
          assert(!before.some((n) => n.includes(SEARCH_INDEX)), "the index loads with the page");
          assert(!before.some((n) => n.includes("search_index.js")), "deno doc's index is gone");
          await page.eval(`document.querySelector("#site-search").focus()`);
          await page.waitFor<boolean>(
            `performance.getEntriesByType("resource").some((e) => e.name.includes(${
              JSON.stringify(SEARCH_INDEX)
            }))`,
            "the index to load on focus",
          );
          assertEquals(
            await page.eval<number>(
              `[...document.querySelectorAll("input")].filter((i) => i.offsetParent !== null).length`,
            ),
            1,
            "one visible search box",
          );
          page.assertNoErrors("the lazy index");
        },
      );

      await t.step("the search finds an HRESULT by its hex code, with and without 0x", async () => {
        for (
          const query of [
            formatHresult(HRESULT[HEX_CODE]).toLowerCase(),
            formatHresult(HRESULT[HEX_CODE]).slice(2),
          ]
        ) {
          await page.retype("#site-search", query);
          await page.waitFor<boolean>(
            `document.querySelector("#site-search-results li .result-name")?.textContent === ${
              JSON.stringify(`HRESULT.${HEX_CODE}`)
            }`,
            `HRESULT.${HEX_CODE} first for ${query}`,
          );
        }
        page.assertNoErrors("the hex search");
      });

      await t.step(`"shadow copy" ranks ${MAIN_FUNCTION} first`, async () => {
        await page.retype("#site-search", "shadow copy");
        await page.waitFor<boolean>(
          `document.querySelector("#site-search-results li .result-name")?.textContent === ${
            JSON.stringify(MAIN_FUNCTION)
          }`,
          `${MAIN_FUNCTION} first for "shadow copy"`,
        ).catch(async (error) => {
          throw new Error(`${error.message}; first was ${await firstResult("results")}`);
        });
        await page.retype("#site-search", "Retrying safely");
        await page.waitFor<boolean>(
          `document.querySelector("#site-search-results li .result-name")?.textContent ===
            "Retrying safely"`,
          "the guide section first for its title",
        ).catch(async (error) => {
          throw new Error(`${error.message}; first was ${await firstResult("results")}`);
        });
        page.assertNoErrors("the phrase search");
      });

      await t.step("at 375 px no page scrolls sideways and the navigation collapses", async () => {
        await page.viewport(375, true);
        try {
          const checked = [
            "index.html",
            "guides/errors.html",
            methodPage,
            pageOf(ENUM),
            pageOf(MAIN_FUNCTION),
            pageOf(MAIN_INTERFACE),
          ];
          for (const [i, path] of checked.entries()) {
            await page.goto(`${origin}${path}`);
            const m = await page.eval<
              { scroll: number; width: number; menu: boolean; links: boolean }
            >(`({
              scroll: document.documentElement.scrollWidth,
              width: document.documentElement.clientWidth,
              menu: getComputedStyle(document.querySelector(".vss-menu")).display !== "none",
              links: getComputedStyle(document.querySelector(".vss-links")).display !== "none",
            })`);
            assert(m.scroll <= m.width, `${path} is ${m.scroll} px wide at ${m.width} px`);
            assert(
              m.menu && !m.links,
              `${path}: the navigation is not collapsed behind the menu button`,
            );
            if (i === 1) {
              await page.eval(`document.querySelector(".vss-menu").click()`);
              const open = await page.eval<boolean>(
                `getComputedStyle(document.querySelector(".vss-links")).display !== "none" &&
                 getComputedStyle(document.querySelector(".sidebar")).display !== "none"`,
              );
              assert(open, "the menu button opens the site links and the sidebar");
            }
            if (path === methodPage) await page.screenshot(SCREENSHOT.replace(".png", "-375.png"));
          }
        } finally {
          await page.viewport(1280);
        }
        page.assertNoErrors("the pages at 375 px");
      });

      await t.step("dark mode holds on a guide and an API page alike", async () => {
        await page.colorScheme("dark");
        try {
          const colours: string[] = [];
          for (const path of ["guides/backup.html", methodPage]) {
            await page.goto(`${origin}${path}`);
            const seen = await page.eval<
              { dark: boolean; body: string; header: string; code: string }
            >(`({
              dark: document.documentElement.classList.contains("dark"),
              body: getComputedStyle(document.body).backgroundColor,
              header: getComputedStyle(document.querySelector(".vss-header")).backgroundColor,
              code: getComputedStyle(document.querySelector("pre") ?? document.body).backgroundColor,
            })`);
            assert(seen.dark, `${path} is not dark`);
            const [r, g, b] = seen.body.match(/\d+/g)!.map(Number);
            assert(r + g + b < 150, `${path} background ${seen.body} is not dark`);
            const [cr, cg, cb] = seen.code.match(/\d+/g)!.map(Number);
            assert(cr + cg + cb < 250, `${path} code background ${seen.code} is not dark`);
            colours.push(seen.header);
          }
          assertEquals(colours[0], colours[1], "the header looks the same on guides and API pages");
          await page.screenshot(SCREENSHOT.replace(".png", "-dark.png"));
          await page.eval(`localStorage.setItem("theme", "light")`);
          await page.goto(`${origin}${methodPage}`);
          assert(
            !(await page.eval<boolean>(`document.documentElement.classList.contains("dark")`)),
            "the saved choice wins over the system",
          );
          await page.eval(`localStorage.removeItem("theme")`);
        } finally {
          await page.colorScheme("light");
        }
        page.assertNoErrors("dark mode");
      });

      await t.step("every page shows the version, its source and the licence links", async () => {
        for (const path of ["guides/errors.html", methodPage, pageOf(MAIN_FUNCTION)]) {
          await page.goto(`${origin}${path}`);
          const seen = await page.eval<
            { version: string; source: string; licence: boolean; cc: boolean }
          >(`({
            version: document.querySelector(".vss-footer-version")?.textContent ?? "",
            source: document.querySelector("a.vss-source")?.getAttribute("href") ?? "",
            licence: !!document.querySelector("a.vss-licence"),
            cc: [...document.querySelectorAll(".vss-footer a")].some((a) => a.href === ${
            JSON.stringify(ccByUrl)
          }),
          })`);
          assertEquals(seen.version, packageVersion, path);
          assert(seen.source.includes("source/"), `${path} links no source file`);
          assert(seen.licence && seen.cc, `${path} does not link the licences`);
        }
      });

      await t.step(`an API page weighs under ${PAGE_BUDGET / 1024} KB compressed`, async () => {
        const lines: string[] = [];
        for (const path of [methodPage, pageOf(ENUM), "guides/backup.html"]) {
          const url = `${origin}${path}`;
          const html = await (await fetch(url)).text();
          for (const coding of ["br", "gzip"]) {
            let wire = 0;
            let raw = 0;
            for (const asset of [url, ...pageAssets(html, url)]) {
              const size = await transfer(asset, coding);
              wire += size.wire;
              raw += size.raw;
            }
            lines.push(
              `${path} (${coding}): ${Math.round(wire / 1024)} KB of ${Math.round(raw / 1024)} KB`,
            );
            assert(wire < PAGE_BUDGET, `${path} weighs ${wire} bytes with ${coding}`);
          }
        }
        const index = await transfer(`${origin}${SEARCH_INDEX}`, "br");
        lines.push(
          `${SEARCH_INDEX} (br, on first search): ${Math.round(index.wire / 1024)} KB of ${
            Math.round(index.raw / 1024)
          } KB`,
        );
        console.log(`docs site: page weights\n  ${lines.join("\n  ")}`);
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
        const targets = [...new Set([...pages.values()].map((url) => url.split("#")[0]))];
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
        let code = example.code.replace(
          /from "\.\/([^"]+)"/g,
          (_, path) => `from "${pathToFileURL(`${projectRoot}/${path}`)}"`,
        );
        for (const entry of entryPoints) {
          code = code.replaceAll(
            `from "${entry.specifier}"`,
            `from "${pathToFileURL(`${projectRoot}/${entry.file}`)}"`,
          );
        }
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
