/**
 * A 256 KiB tmpfs for tests that need a real ENOSPC from the file system.
 * Mounting needs root on Linux; elsewhere the reason is returned instead,
 * for the test's name and an `ignore`.
 *
 * @module
 */

/** Mounts a 256 KiB tmpfs at `dir`; the reason it cannot, or null when mounted. */
export function mountTiny(dir: string): string | null {
  if (Deno.build.os === "windows") return "needs a Linux tmpfs";
  if (Deno.uid() !== 0) return "mounting a tmpfs needs root";
  const r = new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", "size=256k", "tmpfs", dir],
    stderr: "piped",
  }).outputSync();
  return r.success ? null : `mount failed: ${new TextDecoder().decode(r.stderr).trim()}`;
}

/** Unmounts what {@linkcode mountTiny} mounted. */
export function unmount(dir: string): void {
  new Deno.Command("umount", { args: [dir] }).outputSync();
}

/** Whether a tiny tmpfs can be mounted here: null, or why not (probed once, in a scratch folder). */
export function tinyTmpfsUnavailable(): string | null {
  const probe = Deno.makeTempDirSync({ prefix: "vss-tiny-tmpfs-probe-" });
  const cannot = mountTiny(probe);
  if (cannot === null) unmount(probe);
  Deno.removeSync(probe);
  return cannot;
}
