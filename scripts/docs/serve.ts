/**
 * Serves the built site from disk with `Deno.serve` (static files only).
 *
 * Usage: `deno run -A scripts/docs/serve.ts [--port N] [--dir dist/docs]`;
 * the default port 0 picks a free one, and the address is printed.
 *
 * @module
 */

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

async function fileResponse(path: string, method: string): Promise<Response | null> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return null;
    }
    throw error;
  }
  const info = await file.stat();
  if (!info.isFile) {
    file.close();
    return null;
  }
  const type = TYPES[path.slice(path.lastIndexOf(".") + 1).toLowerCase()] ??
    "application/octet-stream";
  const headers = {
    "content-type": type,
    "content-length": String(info.size),
    "cache-control": "no-cache",
  };
  if (method === "HEAD") {
    file.close();
    return new Response(null, { headers });
  }
  return new Response(file.readable, { headers });
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
  const response = path.endsWith("/")
    ? await fileResponse(`${local}index.html`, request.method)
    : await fileResponse(local, request.method) ??
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
