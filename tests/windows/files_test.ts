/**
 * Lane 3 (real Windows, by review here): reading a shadow copy like a backup
 * tool. A file whose ACL denies everyone (administrators included) read
 * access is read through the snapshot with backup semantics
 * (`@vss/requester/files`, SeBackupPrivilege) and compared byte for byte;
 * the snapshot root (the device path with its trailing backslash) is
 * stat'ed and walked, links reported and not followed. Runs only on Windows
 * with VSS_REAL_WINDOWS=1 (.github/workflows/windows-vss.yml).
 */

import { assert, assertEquals, assertMatch, assertRejects } from "../assert.ts";
import { createShadowCopySet } from "../../mod.ts";
import {
  enableBackupPrivileges,
  readShadowFile,
  type ShadowEntry,
  statShadowPath,
  streamShadowFile,
  walkShadowTree,
} from "../../files.ts";
import { withCleanup } from "../support/cleanup.ts";

const enabled = Deno.build.os === "windows" && Deno.env.get("VSS_REAL_WINDOWS") === "1";
if (!enabled) {
  console.log("files_test: skipped — needs Windows, administrator rights and VSS_REAL_WINDOWS=1");
}
const drive = `${Deno.env.get("SystemDrive") ?? "C:"}\\`;
/** Well-known SIDs, so that the test does not depend on the system's language. */
const EVERYONE = "*S-1-1-0";
const ADMINISTRATORS = "*S-1-5-32-544";
const FILE_ATTRIBUTE_DIRECTORY = 0x10;

/** Runs icacls; a failure throws with its output. */
async function icacls(...args: string[]): Promise<void> {
  const out = await new Deno.Command("icacls", { args, stdout: "piped", stderr: "piped" })
    .output();
  const d = new TextDecoder();
  if (!out.success) {
    throw new Error(
      `icacls ${args.join(" ")} failed (${out.code}):\n${d.decode(out.stdout)}${
        d.decode(out.stderr)
      }`,
    );
  }
}

Deno.test({
  name:
    "real VSS: a file whose ACL denies everyone is read through the snapshot (backup semantics)",
  ignore: !enabled,
  sanitizeResources: false,
  async fn() {
    // On the system volume: %TEMP% of the runner is there; the set snapshots that volume.
    const dir = await Deno.makeTempDir({ prefix: "vss-acl-" });
    const volume = `${dir.slice(0, 2).toUpperCase()}\\`;
    const file = `${dir}\\protected.bin`;
    const bytes = crypto.getRandomValues(new Uint8Array(65_537 * 3)); // not a whole chunk
    let denied = false;
    let set: Awaited<ReturnType<typeof createShadowCopySet>> | null = null;
    let ok = false;
    await withCleanup(async () => {
      await Deno.writeFile(file, bytes);
      await icacls(file, "/inheritance:r", "/deny", `${EVERYONE}:(R)`, `${ADMINISTRATORS}:(R)`);
      denied = true;
      // The ACL works: a plain read by this elevated process is refused.
      await assertRejects(() => Deno.readFile(file), Deno.errors.PermissionDenied);

      const privileges = enableBackupPrivileges();
      assert(privileges.enabled.includes("SeBackupPrivilege"), privileges.note);
      set = await createShadowCopySet([volume], { writers: false });
      assertEquals(set.privileges?.missing ?? [], []);
      const shadow = set.mapPath(file);
      assertMatch(shadow, /^\\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy\d+\\/);

      const read = await readShadowFile(shadow);
      assertEquals(read.length, bytes.length);
      assert(read.every((b, i) => b === bytes[i]), "the snapshot's bytes equal the original's");
      // A range through the stream, across a chunk boundary.
      const chunks: Uint8Array[] = [];
      for await (
        const c of streamShadowFile(shadow, { offset: 65_000, length: 1_000, chunkSize: 300 })
      ) {
        chunks.push(c);
      }
      const range = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) (range.set(c, at), at += c.length);
      assertEquals(range.length, 1_000);
      assert(range.every((b, i) => b === bytes[65_000 + i]), "the range matches");
      ok = true;
    }, [
      () => set?.complete({ succeeded: ok }),
      () => denied && icacls(file, "/reset"),
      () => Deno.remove(dir, { recursive: true }),
    ]);
  },
});

Deno.test({
  name: "real VSS: stat and walk of the snapshot root (device path with its trailing backslash)",
  ignore: !enabled,
  sanitizeResources: false,
  async fn() {
    // Listing folders only SYSTEM may read (System Volume Information) needs the backup privilege,
    // as it would for a backup tool walking the whole volume.
    const privileges = enableBackupPrivileges();
    assert(privileges.enabled.includes("SeBackupPrivilege"), privileges.note);
    const set = await createShadowCopySet([drive], { writers: false });
    let ok = false;
    await withCleanup(async () => {
      const root = set.mapPath(drive);
      assertMatch(root, /^\\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy\d+\\$/);

      const stat = await statShadowPath(root);
      assertEquals(stat.kind, "directory");
      assert(((stat.attributes ?? 0) & FILE_ATTRIBUTE_DIRECTORY) !== 0, "a folder");
      assertEquals(stat.relativePath, "");

      // Two levels only: the whole system volume would take minutes.
      const entries: ShadowEntry[] = [];
      for await (
        const e of walkShadowTree(root, { filter: (e) => e.relativePath.split("\\").length <= 2 })
      ) {
        entries.push(e);
      }
      const byPath = new Map(entries.map((e) => [e.relativePath, e]));
      assertEquals(byPath.get("Windows")?.kind, "directory");
      assertEquals(byPath.get("Windows\\System32")?.kind, "directory");
      for (const e of entries) {
        assert(e.path.startsWith(root), e.path);
        assert(!e.path.slice(root.length).startsWith("\\"), `no doubled separator: ${e.path}`);
        assertEquals(e.path, root + e.relativePath);
      }
      // `Documents and Settings` is a junction on every Windows since Vista: reported, not followed.
      const docs = byPath.get("Documents and Settings");
      if (docs !== undefined) {
        assertEquals(docs.kind, "junction");
        assertMatch(docs.linkTarget ?? "", /Users/i);
        assert(![...byPath.keys()].some((p) => p.startsWith("Documents and Settings\\")));
      }
      ok = true;
    }, [() => set.complete({ succeeded: ok })]);
  },
});
