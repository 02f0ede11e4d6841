/**
 * The "gather-metadata" phase of creating a shadow copy set: which writers
 * take part (include and exclude lists), disabling the others, gathering
 * metadata, and adding the components an include names.
 *
 * @module
 */

import { normalizeGuid } from "../ffi/guid.ts";
import { type VSS_COMPONENT_TYPE, VSS_WRITER_STATE } from "../ffi/generated/enums.ts";
import type { IVssBackupComponents } from "../ffi/generated/wrappers.ts";
import { readEnv } from "../ffi/platform.ts";
import { WriterSelectorError } from "./errors.ts";
import type { WriterSelector } from "./options.ts";
import { Session } from "./session.ts";
import {
  componentPath,
  componentTypeValue,
  type WriterMetadata,
  type WriterStatus,
} from "./writers.ts";

/** What writer selection needs from a creation's options. */
export interface WriterPlan {
  /** The volumes of the set, as given. */
  volumes: readonly string[];
  /**
   * `full`, `incremental`, `differential`, `log`: a failed writer that owns
   * data on a volume of the set fails it. `copy`: it is only reported.
   */
  strictWriters: boolean;
  /** The VSS snapshot context value. */
  context: number;
  /** Whether writers take part at all. */
  useWriters: boolean;
  include: WriterSelector[];
  exclude: WriterSelector[];
  /** Whether an include names a component (SetBackupState's select-components flag). */
  selectComponents: boolean;
}

/** A component selected for the backup. */
export interface SelectedComponent {
  writer: WriterMetadata;
  logicalPath: string | null;
  name: string;
  type: VSS_COMPONENT_TYPE;
}

/** The writers that took part, the components added, and the writers the backup needs. */
export interface WriterSelection {
  writers: WriterMetadata[];
  components: SelectedComponent[];
  needed: Set<string>;
}

/** Whether writer `w` matches `s`; a `componentPath` matches only the writer that has that component. */
function matches(w: WriterMetadata, s: WriterSelector): boolean {
  if (s.name !== undefined && s.name !== w.name) return false;
  if (s.classId !== undefined && normalizeGuid(s.classId) !== w.writerId) return false;
  if (s.instanceId !== undefined && normalizeGuid(s.instanceId) !== w.instanceId) return false;
  if (s.componentPath === undefined) return true;
  const wanted = s.componentPath.toLowerCase();
  return w.components.some((c) => componentPath(c.logicalPath, c.name).toLowerCase() === wanted);
}

function describeSelector(s: WriterSelector): string {
  return Object.entries(s).filter(([, v]) => v !== undefined).map(([k, v]) => `${k} ${v}`)
    .join(", ") || "(empty)";
}

/**
 * Whether `s` names the writer of `w`, a writer that failed at Identify and
 * so has no metadata, only a status: by name, class id or instance id. A
 * selector with a component path matches it only when it names the writer
 * that way too (its components are unknown).
 */
export function namesFailedWriter(w: WriterStatus, s: WriterSelector): boolean {
  if (s.name === undefined && s.classId === undefined && s.instanceId === undefined) return false;
  if (s.name !== undefined && s.name !== w.name) return false;
  if (s.classId !== undefined && normalizeGuid(s.classId) !== w.writerId) return false;
  return s.instanceId === undefined || normalizeGuid(s.instanceId) === w.instanceId;
}

/**
 * A selector that matches no writer of the system is an error, not a silent
 * no-op. The writers are those in the metadata and those that failed at
 * Identify (`failed`, missing from the metadata).
 */
function checkSelectors(plan: WriterPlan, all: WriterMetadata[], failed: WriterStatus[]): void {
  for (const [list, selectors] of [["include", plan.include], ["exclude", plan.exclude]] as const) {
    const unmatched = selectors.find((s) =>
      !all.some((w) => matches(w, s)) && !failed.some((w) => namesFailedWriter(w, s))
    );
    if (unmatched === undefined) continue;
    const failedNote = failed.length === 0
      ? ""
      : ` (${failed.length} of them failed at Identify and ` +
        `list no components: ${failed.map((w) => w.name).join(", ")})`;
    throw new WriterSelectorError(
      `writers.${list} selector { ${describeSelector(unmatched)} } matches none of the ` +
        `${all.length + failed.length} writer(s) of the system${failedNote}`,
      {
        hint: "List the writers and their components (getWriters, `vss writers metadata`) and " +
          "use a name, class id, instance id or component path from there.",
      },
    );
  }
}

/** `%Name%` references in a writer's path, expanded from the environment when readable. */
function expand(path: string): string | null {
  let unresolved = false;
  const out = path.replace(/%([^%]+)%/g, (_, name: string) => {
    const value = readEnv(name);
    if (value === undefined) unresolved = true;
    return value ?? "";
  });
  return unresolved ? null : out;
}

/**
 * Whether writer `w` declares files on one of `volumes` (a path that cannot
 * be placed, such as an unknown `%VARIABLE%`, counts: failing safe).
 */
export function ownsDataOn(w: WriterMetadata, volumes: readonly string[]): boolean {
  const roots = volumes.map((v) => (/[\\/]$/.test(v) ? v : `${v}\\`).toLowerCase());
  const specs = w.components.flatMap((c) => [...c.files, ...c.databases, ...c.logs]);
  return specs.some((f) => {
    const path = expand(f.path);
    if (path === null) return true;
    const lower = `${path.replace(/[\\/]$/, "")}\\`.toLowerCase().replaceAll("/", "\\");
    return roots.some((r) => lower.startsWith(r.replaceAll("/", "\\")));
  });
}

/** The writers the plan's include and exclude lists keep. */
function chooseWriters(plan: WriterPlan, all: WriterMetadata[]): WriterMetadata[] {
  return all.filter((w) =>
    !plan.exclude.some((s) => matches(w, s)) &&
    (plan.include.length === 0 || plan.include.some((s) => matches(w, s)))
  );
}

/** Whether the plan's include and exclude lists keep `w`, a writer that failed at Identify. */
export function keepsFailed(plan: WriterPlan, w: WriterStatus): boolean {
  return !plan.exclude.some((s) => namesFailedWriter(w, s)) &&
    (plan.include.length === 0 || plan.include.some((s) => namesFailedWriter(w, s)));
}

/**
 * Writers must be disabled before the session gathers metadata, so they are
 * discovered first with a separate, short-lived session. A writer that fails
 * at Identify is missing from the metadata: when the probe's gathering was
 * vetoed, GatherWriterStatus names those writers, so that selectors can name
 * them and an unchosen one is disabled too (and does not veto again).
 */
async function disableUnchosen(session: Session, plan: WriterPlan): Promise<void> {
  const { runtime, signal, deadlines } = session;
  using probe = Session.open({ runtime, signal, deadlines }, {
    kind: "backup",
    context: plan.context,
  });
  const all = await probe.gatherMetadata(undefined, { keepVeto: true });
  const failed = probe.identifyVeto === null
    ? []
    : (await probe.failedWriters("gather-metadata", true)).failed.filter((w) =>
      w.state === VSS_WRITER_STATE.VSS_WS_FAILED_AT_IDENTIFY &&
      !all.some((m) => m.instanceId === w.instanceId)
    );
  checkSelectors(plan, all, failed);
  const keep = new Set([
    ...chooseWriters(plan, all).map((w) => w.instanceId),
    ...failed.filter((w) => keepsFailed(plan, w)).map((w) => w.instanceId),
  ]);
  const known = [...all.map((w) => w.instanceId), ...failed.map((w) => w.instanceId)];
  const disabled = [...new Set(known.filter((id) => !keep.has(id)))];
  if (disabled.length > 0) session.backup.DisableWriterInstances(disabled);
}

/** AddComponent (and SetPreviousBackupStamp) for each component an include names. */
function addComponents(
  backup: IVssBackupComponents,
  plan: WriterPlan,
  writer: WriterMetadata,
  stamps: Record<string, string> = {},
): SelectedComponent[] {
  const paths = plan.include.filter((s) => matches(writer, s) && s.componentPath !== undefined)
    .map((s) => s.componentPath!);
  const added: SelectedComponent[] = [];
  for (const c of writer.components) {
    const path = componentPath(c.logicalPath, c.name);
    if (!plan.selectComponents || !paths.includes(path)) continue;
    const type = componentTypeValue(c.type);
    backup.AddComponent(writer.instanceId, writer.writerId, type, c.logicalPath, c.name);
    const stamp = stamps[`${writer.writerId}:${path}`];
    if (stamp !== undefined) {
      backup.SetPreviousBackupStamp(writer.writerId, type, c.logicalPath, c.name, stamp);
    }
    added.push({ writer, logicalPath: c.logicalPath, name: c.name, type });
  }
  return added;
}

/** The "gather-metadata" phase: discover and disable writers, gather, add components. */
export async function selectWriters(
  session: Session,
  plan: WriterPlan,
  stamps: Record<string, string> | undefined,
): Promise<WriterSelection> {
  const selection: WriterSelection = { writers: [], components: [], needed: new Set() };
  if (!plan.useWriters) return selection;
  session.progress("gather-metadata", "start");
  if (plan.include.length + plan.exclude.length > 0) await disableUnchosen(session, plan);
  let included: WriterMetadata[] = [];
  selection.writers = await session.gatherMetadata((writers) => {
    included = chooseWriters(plan, writers);
    for (const w of included) {
      // Named writers are needed; for a backup that writes history, so is any writer with data on the set.
      const strict = plan.strictWriters && ownsDataOn(w, plan.volumes);
      if (plan.include.length > 0 || strict) selection.needed.add(w.instanceId);
      selection.components.push(...addComponents(session.backup, plan, w, stamps));
    }
  }, { keepVeto: true });
  const detail = `${selection.writers.length} writer(s), ${included.length} included`;
  session.progress("gather-metadata", "end", detail);
  return selection;
}
