/**
 * The main job on a machine without VSS: a backup against the simulator.
 * A directory stands in for a volume; two writers take part; the shadow copy
 * keeps the file's content from the moment it was made while the original
 * changes; then everything is cleaned up and checked.
 *
 *   deno run -A scripts/demo.ts
 *
 * @module
 */

import { Simulator, simulatorPath } from "../simulator/control.ts";
import { createShadowCopySet, isSimulated, listShadowCopies, openVss } from "../mod.ts";
import { VSS_WRITER_STATE } from "../ffi/generated/enums.ts";

const tty = Deno.stdout.isTerminal();
const bold = (s: string) => tty ? `\x1b[1m${s}\x1b[0m` : s;
const dim = (s: string) => tty ? `\x1b[2m${s}\x1b[0m` : s;
const say = (s = "") => console.log(s);

const sim = new Simulator();
sim.reset();
const runtime = openVss({ libraryPath: simulatorPath });
say(
  bold("VSS requester demo") +
    dim(`  (${isSimulated(runtime) ? "simulator" : "real VSS"}: ${runtime.libs.paths.vss})`),
);

// A directory stands in for a volume.
const volume = await Deno.makeTempDir({ prefix: "vss-demo-volume-" });
const ledger = `${volume}/ledger.txt`;
await Deno.writeTextFile(ledger, "balance: 100\n");
await Deno.mkdir(`${volume}/db`);
await Deno.writeTextFile(`${volume}/db/orders.db`, "order 1\norder 2\n");
say(`\nvolume     ${volume}/  (ledger.txt, db/orders.db)`);

// Two writers, as an application server would register them.
const sql = sim.addWriter({ name: "Demo SQL Writer" });
const db = sim.addComponent(sql, {
  logicalPath: "Instance",
  name: "orders",
  caption: "Orders database",
  type: 1,
});
sim.addComponentFile(sql, db, "database", `${volume}/db/`, "orders.db");
const files = sim.addWriter({ name: "Demo File Writer" });
sim.addComponent(files, { name: "ledger" });
sim.asyncDelay("IVssBackupComponents::DoSnapshotSet", 400);

say(bold("\ncreating a shadow copy set"));
const set = await createShadowCopySet([volume], {
  runtime,
  backupType: "full",
  onProgress: (e) => {
    if (e.state === "end") {
      say(
        `  ${e.phase.padEnd(16)} done at ${e.elapsedMs.toFixed(0).padStart(4)} ms${
          e.detail ? dim(`  ${e.detail}`) : ""
        }`,
      );
    }
  },
});
const [shadow] = set.snapshots;
say(`  set        ${set.id}`);
say(`  snapshot   ${shadow.id}`);
say(`  device     ${shadow.devicePath}`);
say(
  `  created    ${shadow.createdAt.toISOString()} ${dim("(the simulator's clock)")}  ${
    dim(shadow.attributeNames.join(", "))
  }`,
);

say(bold("\nthe application keeps writing"));
await Deno.writeTextFile(ledger, "balance: 250\n");
const now = (await Deno.readTextFile(ledger)).trim();
const then = (await Deno.readTextFile(set.mapPath(ledger))).trim();
say(`  original   ${ledger}  →  "${now}"`);
say(`  snapshot   ${set.mapPath(ledger)}  →  "${then}"`);
if (then !== "balance: 100") throw new Error("the shadow copy did not keep the old content");

say(bold("\nwriters"));
for (const w of set.writerStatus) {
  const ok = w.state === VSS_WRITER_STATE.VSS_WS_WAITING_FOR_BACKUP_COMPLETE ||
    w.state === VSS_WRITER_STATE.VSS_WS_STABLE;
  say(
    `  ${ok ? "ok  " : "FAIL"} ${w.name.padEnd(20)} ${w.stateName}${
      w.failure ? ` ${w.failureName}` : ""
    }`,
  );
}

say(bold("\ncompleting the backup"));
const after = await set.complete();
for (const w of after) say(`  ${w.name.padEnd(20)} ${w.stateName}`);
const left = await listShadowCopies({ runtime });
const live = sim.live();
say(
  `  shadow copies left ${left.length}, COM objects ${live.objects}, BSTRs ${live.bstrs}, task memory ${live.cotaskmem}`,
);
let snapshotFolderGone = true;
try {
  await Deno.stat(shadow.devicePath);
  snapshotFolderGone = false;
} catch { /* removed with the shadow copy */ }
say(`  snapshot contents removed: ${snapshotFolderGone ? "yes" : "no"}`);
await Deno.remove(volume, { recursive: true });
if (left.length || live.objects || live.bstrs || live.cotaskmem || !snapshotFolderGone) {
  throw new Error("something was left behind");
}
say(bold("\nnothing left behind."));
