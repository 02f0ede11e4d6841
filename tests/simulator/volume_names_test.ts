/**
 * Volume names as a requester passes them (simulator/README.md, "Volume
 * names"): one volume answers to its drive letter or path in any case and to
 * its `\\?\Volume{GUID}\` name; other forms get the code the AddToSnapshotSet
 * and IsVolumeSupported pages document; on Windows the GUID name is the one
 * the OS gives; a directory volume keeps its GUID name across processes.
 * Runs on both lanes.
 */
import { assertEquals, assertThrows } from "../assert.ts";
import { join } from "node:path";
import {
  createBackupComponents,
  GUID_NULL,
  HRESULT,
  type IVssBackupComponents,
  settle,
  VSS_SNAPSHOT_CONTEXT,
  VssError,
} from "../../ffi/mod.ts";
import { openSimulator } from "../../simulator/control.ts";
import { cleanup, scratch, sep, windows } from "./helpers.ts";

const { runtime, sim } = openSimulator();

/** A backup components object with a started set, in a context without writers. */
function started(): IVssBackupComponents {
  const backup = createBackupComponents(runtime);
  backup.InitializeForBackup(null);
  backup.SetContext(VSS_SNAPSHOT_CONTEXT.VSS_CTX_FILE_SHARE_BACKUP);
  backup.StartSnapshotSet();
  return backup;
}

function codeOf(fn: () => unknown): number {
  return assertThrows(fn, VssError).code;
}

/** The OS's unique name of a drive root (Windows), or null. */
function osVolumeName(root: string): string | null {
  if (!windows) return null;
  const lib = Deno.dlopen("kernel32.dll", {
    GetVolumeNameForVolumeMountPointW: { parameters: ["buffer", "buffer", "u32"], result: "i32" },
  });
  try {
    const name = new Uint16Array([...root].map((c) => c.charCodeAt(0)).concat(0));
    const out = new Uint16Array(64);
    if (!lib.symbols.GetVolumeNameForVolumeMountPointW(name, out, out.length)) return null;
    return String.fromCharCode(...out.subarray(0, out.indexOf(0)));
  } finally {
    lib.close();
  }
}

Deno.test("a volume named by drive letter, any case, or GUID name is one volume", () => {
  sim.reset();
  const guid = sim.volumeGuidName("C:\\");
  using backup = started();
  backup.AddToSnapshotSet("C:\\", GUID_NULL);
  for (const name of ["c:\\", guid, guid.toUpperCase(), guid.toLowerCase()]) {
    assertEquals(
      codeOf(() => backup.AddToSnapshotSet(name, GUID_NULL)),
      HRESULT.VSS_E_OBJECT_ALREADY_EXISTS,
      name,
    );
    assertEquals(backup.IsVolumeSupported(GUID_NULL, name).pbSupportedByThisProvider, true);
  }
});

Deno.test("names the pages do not allow: not found (E_INVALIDARG when empty)", () => {
  sim.reset();
  sim.addVolume("D:\\mnt\\data\\");
  const guid = sim.volumeGuidName("C:\\");
  const t = scratch(1);
  try {
    const rejected = [
      "C:", // no trailing backslash (AddToSnapshotSet, IsVolumeSupported pages)
      "D:\\mnt\\data", // a mount point without it
      guid.slice(0, -1), // a GUID name without it
      "\\\\?\\Volume{0badc0de-0000-0000-0000-000000000000}\\", // no such volume
      "Q:\\", // no such drive
      "vol\\", // relative
      "vol",
      join(t.volume, "f0.txt"), // a file
      join(t.volume, "sub"), // a folder inside a volume (no mount point)
      join(t.volume, "sub") + sep,
    ];
    // The directory volume exists first, so its folders are inside a volume.
    using backup = started();
    backup.AddToSnapshotSet(t.volume, GUID_NULL);
    for (const name of rejected) {
      assertEquals(
        codeOf(() => backup.AddToSnapshotSet(name, GUID_NULL)),
        HRESULT.VSS_E_OBJECT_NOT_FOUND,
        `AddToSnapshotSet(${name})`,
      );
      assertEquals(
        codeOf(() => backup.IsVolumeSupported(GUID_NULL, name)),
        HRESULT.VSS_E_OBJECT_NOT_FOUND,
        `IsVolumeSupported(${name})`,
      );
    }
    assertEquals(codeOf(() => backup.AddToSnapshotSet("", GUID_NULL)), HRESULT.E_INVALIDARG);
    backup.AddToSnapshotSet("d:\\MNT\\data\\", GUID_NULL);
  } finally {
    cleanup(t.base);
  }
});

Deno.test("shadow copies report the volume by its GUID name; on Windows the OS's", async () => {
  sim.reset();
  const guid = sim.volumeGuidName("C:\\");
  const os = osVolumeName("C:\\");
  if (windows && os === null) {
    console.log("the OS gives C:\\ no unique name: the simulator's own is used");
  }
  if (os !== null) assertEquals(guid, os);
  else assertEquals(guid, "\\\\?\\Volume{00000003-0000-0000-0000-000000000001}\\");
  using backup = started();
  const { pidSnapshot } = backup.AddToSnapshotSet(guid, GUID_NULL);
  {
    using op = backup.DoSnapshotSet().ppAsync!;
    await settle(op, { operation: "DoSnapshotSet" });
  }
  assertEquals(backup.GetSnapshotProperties(pidSnapshot).pProp.m_pwszOriginalVolumeName, guid);
});

Deno.test("a directory volume: path with or without separator, or GUID name; the GUID name lasts", async () => {
  const t = scratch(1);
  const previous = Deno.env.get("VSS_SIM_STATE_DIR");
  Deno.env.set("VSS_SIM_STATE_DIR", t.state);
  try {
    sim.reset();
    {
      using backup = started();
      backup.AddToSnapshotSet(t.volume + sep, GUID_NULL);
      const guid = sim.volumeGuidName(t.volume);
      for (const name of [t.volume, t.volume + sep + sep, guid]) {
        assertEquals(
          codeOf(() => backup.AddToSnapshotSet(name, GUID_NULL)),
          HRESULT.VSS_E_OBJECT_ALREADY_EXISTS,
          name,
        );
      }
    }
    const guid = sim.volumeGuidName(t.volume);
    // The next process, on the same state directory, knows the directory by the same name.
    const control = new URL("../../simulator/control.ts", import.meta.url).href;
    const script = `import { Simulator } from ${JSON.stringify(control)};
      console.log(new Simulator().volumeGuidName(${JSON.stringify(t.volume)}));`;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", script],
      env: { VSS_SIM_STATE_DIR: t.state },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
    assertEquals(new TextDecoder().decode(out.stdout).trim(), guid);
  } finally {
    if (previous === undefined) Deno.env.delete("VSS_SIM_STATE_DIR");
    else Deno.env.set("VSS_SIM_STATE_DIR", previous);
    sim.reset();
    cleanup(t.base);
  }
});
