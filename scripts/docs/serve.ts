/**
 * Serves the built site from disk with `Deno.serve` (static files only),
 * compressed with brotli or gzip as the request's `Accept-Encoding` allows
 * (text types only; compressed bodies are cached by file and mtime).
 *
 * Usage: `deno run -A scripts/docs/serve.ts [--port N] [--dir dist/docs]`;
 * the default port 0 picks a free one, and the address is printed.
 *
 * @module
 */

import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";
import { defaultOutDir } from "./config.ts";

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  json: "application/json; charset=utf-8",
  txt: "text/plain; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
};

/** Options for {@linkcode serveSite}. */
export interface ServeOptions {
  /** The built site; default `dist/docs`. */
  dir?: string;
  /** Default 127.0.0.1. */
  hostname?: string;
  /** Default 0: a free port. */
  port?: number;
}

/** A running site server. */
export interface SiteServer {
  /** `http://127.0.0.1:PORT/`. */
  origin: string;
  /** The port it listens on. */
  port: number;
  /** Stops accepting, closes connections and resolves when the server is down. */
  close(): Promise<void>;
}

/** The content codings the server can apply, in order of preference. */
export type Coding = "br" | "gzip";

/** The coding to use for a request, from its `Accept-Encoding`; null for none. */
export function chooseCoding(acceptEncoding: string | null): Coding | null {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? "").split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find((v) => v !== undefined);
    if (name) accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get("*") ?? 0) > 0;
  return ok("br") ? "br" : ok("gzip") ? "gzip" : null;
}

const COMPRESSIBLE = /^(text\/|application\/json|image\/svg)/;
const cache = new Map<string, Uint8Array>();

function compress(bytes: Uint8Array, coding: Coding): Uint8Array {
  return coding === "br"
    ? brotliCompressSync(bytes, {
      params: { [zlib.BROTLI_PARAM_QUALITY]: 6, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    })
    : gzipSync(bytes, { level: 9 });
}

async function fileResponse(
  path: string,
  method: string,
  coding: Coding | null,
): Promise<Response | null> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return null;
    }
    throw error;
  }
  if (!info.isFile) return null;
  const type = TYPES[path.slice(path.lastIndexOf(".") + 1).toLowerCase()] ??
    "application/octet-stream";
  const headers: Record<string, string> = {
    "content-type": type,
    "cache-control": "no-cache",
    "vary": "accept-encoding",
  };
  let body: Uint8Array | null = null;
  if (coding && COMPRESSIBLE.test(type)) {
    const key = `${coding} ${path} ${info.mtime?.getTime()} ${info.size}`;
    body = cache.get(key) ?? null;
    if (!body) {
      body = compress(await Deno.readFile(path), coding);
      cache.set(key, body);
    }
    headers["content-encoding"] = coding;
  } else if (method !== "HEAD") {
    body = await Deno.readFile(path);
  }
  headers["content-length"] = String(body ? body.length : info.size);
  return new Response(method === "HEAD" ? null : body as BodyInit | null, { headers });
}

/** Answers one request from the site folder `dir`. */
export async function handleSiteRequest(dir: string, request: Request): Promise<Response> {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return new Response("method not allowed\n", { status: 405, headers: { allow: "GET, HEAD" } });
  }
  let path: string;
  try {
    path = decodeURIComponent(new URL(request.url).pathname);
  } catch {
    return new Response("bad request\n", { status: 400 });
  }
  if (path.includes("\0") || path.split("/").some((part) => part === "..")) {
    return new Response("bad request\n", { status: 400 });
  }
  const local = `${dir}${path}`;
  const coding = chooseCoding(request.headers.get("accept-encoding"));
  const response = path.endsWith("/")
    ? await fileResponse(`${local}index.html`, request.method, coding)
    : await fileResponse(local, request.method, coding) ??
      (await isDirectory(local)
        ? new Response(null, { status: 301, headers: { location: `${path}/` } })
        : null);
  return response ?? new Response(`not found: ${path}\n`, {
    status: 404,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

/** Starts serving the site; stop it with `close()`. */
export function serveSite(options: ServeOptions = {}): Promise<SiteServer> {
  const dir = (options.dir ?? defaultOutDir).replace(/\/$/, "");
  const hostname = options.hostname ?? "127.0.0.1";
  return new Promise((resolve) => {
    const server = Deno.serve(
      {
        hostname,
        port: options.port ?? 0,
        onListen: ({ port }) => {
          resolve({
            origin: `http://${hostname}:${port}/`,
            port,
            close: async () => {
              await server.shutdown();
            },
          });
        },
      },
      (request) => handleSiteRequest(dir, request),
    );
  });
}

if (import.meta.main) {
  const option = (name: string) => {
    const at = Deno.args.indexOf(name);
    return at === -1 ? undefined : Deno.args[at + 1];
  };
  const server = await serveSite({
    dir: option("--dir"),
    port: option("--port") === undefined ? 0 : Number(option("--port")),
  });
  console.log(
    `docs: serving ${option("--dir") ?? defaultOutDir} at ${server.origin} (Ctrl-C stops)`,
  );
}
