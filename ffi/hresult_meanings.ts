/**
 * What each HRESULT of the model means for a requester, what to do about it,
 * and whether the same step, tried again later, can succeed: the one table
 * behind {@linkcode VssError}'s hint and `retryable` flag and the requester's
 * errors. Every HRESULT in `ffi/generated/hresults.ts` has a row (a test
 * checks it). Sources, in our own words: the return-value tables of the
 * method pages (DoSnapshotSet: the four transient codes with "ten minutes, up
 * to three times"; GetWriterStatus: the VSS_E_WRITERERROR_* codes;
 * StartSnapshotSet / AddToSnapshotSet: another set in progress).
 *
 * @module
 */

import { HRESULT, HRESULT_NAMES, type HresultName } from "./generated/hresults.ts";
import { toUnsigned } from "./hresult.ts";

/**
 * The meaning of one HRESULT for a requester.
 *
 * @example Explain a code in a log line
 * ```ts
 * import { HRESULT, hresultMeaning } from "./mod.ts";
 *
 * const m = hresultMeaning(HRESULT.VSS_E_HOLD_WRITES_TIMEOUT)!;
 * console.log(`${m.name}: ${m.meaning} (${m.retryable ? "retryable" : "final"}); ${m.hint}`);
 * ```
 */
export interface HresultMeaning {
  /** The HRESULT's name (`VSS_E_PROVIDER_VETO`). */
  name: HresultName;
  /** What it means, in a few words (`the provider refused the request at this time`). */
  meaning: string;
  /** What to do about it: one or two sentences. */
  hint: string;
  /** Whether the same step, tried again later, can succeed. */
  retryable: boolean;
}

// name | retryable (y/n) | meaning | hint — one row per HRESULT of the model.
const TABLE = `
CLASS_E_CLASSNOTAVAILABLE|n|the COM class is registered but its server cannot supply it|Check that the Volume Shadow Copy service and its COM registration are intact (sfc /scannow).
CLASS_E_NOAGGREGATION|n|the COM class cannot be created as part of another object|This is a bug in the caller: create the object without an outer unknown.
CO_E_NOTINITIALIZED|n|COM was not initialised on the calling thread|Open VSS with openVss() (or call runtime.initializeCom()) before any VSS call.
E_ACCESSDENIED|n|the caller lacks the rights VSS requires|Run elevated (Run as administrator) or as a member of Backup Operators.
E_FAIL|n|an unspecified failure|Look for VSS errors in the Application event log (source VSS) and try again.
E_INVALIDARG|n|an argument was not valid for this call|Check the argument values (volume names end with a backslash; GUIDs must exist).
E_NOINTERFACE|n|the object does not support the interface asked for|This VSS is older than the interface needs; use the base interface or a newer Windows.
E_NOTIMPL|n|the method is not implemented by this VSS or provider|Use a VSS and provider that implement it (stubs such as Wine's vssapi.dll do not).
E_OUTOFMEMORY|y|the process or VSS ran out of memory or other resources|Free memory or wait for the system to be less busy, then try again.
E_POINTER|n|a required pointer was null|This is a bug in the binding or its caller; report it.
E_UNEXPECTED|n|VSS hit an unexpected error|Look for VSS errors in the Application event log and try again; restart the VSS service if it repeats.
REGDB_E_CLASSNOTREG|n|the COM class is not registered|On Windows the Volume Shadow Copy service is missing or damaged; under Wine, register the simulator.
RPC_E_CHANGED_MODE|n|the thread already uses a different COM apartment|Open VSS before anything initialises COM as single-threaded on this thread.
RPC_E_TOO_LATE|n|COM security was already set in this process|Open VSS before the process uses COM, or have the host set COM security as the requester guidance says.
S_FALSE|n|success, with nothing (more) to do|Nothing to do.
S_OK|n|success|Nothing to do.
VSS_E_ASRERROR_CRITICAL_DISKS_TOO_SMALL|n|an automated system recovery found critical disks smaller than needed|Restore to disks at least as large as the original critical disks.
VSS_E_ASRERROR_CRITICAL_DISK_CANNOT_BE_EXCLUDED|n|a critical disk was excluded from an automated system recovery|Include every critical disk in the recovery.
VSS_E_ASRERROR_DATADISK_RDISK0|n|the recovery would use a data disk as the system disk|Choose the disk that holds the system as the first recovery disk.
VSS_E_ASRERROR_DISK_ASSIGNMENT_FAILED|n|automated system recovery could not assign the disks|Check that enough suitable disks are attached for the recovery.
VSS_E_ASRERROR_DISK_RECREATION_FAILED|n|automated system recovery could not recreate a disk layout|Check the target disks for errors and their sizes, then retry the recovery.
VSS_E_ASRERROR_DYNAMIC_VHD_NOT_SUPPORTED|n|automated system recovery does not support dynamic VHDs here|Use fixed-size VHDs for the recovery.
VSS_E_ASRERROR_FIXED_PHYSICAL_DISK_AVAILABLE_AFTER_DISK_EXCLUSION|n|a fixed disk remains available after the recovery excluded disks|Review which disks the recovery excludes.
VSS_E_ASRERROR_MISSING_DYNDISK|n|a dynamic disk needed by the recovery is missing|Attach the missing dynamic disk.
VSS_E_ASRERROR_NO_ARCPATH|n|the recovery found no ARC path for the system disk|Check the firmware boot configuration of the target machine.
VSS_E_ASRERROR_NO_PHYSICAL_DISK_AVAILABLE|n|no physical disk is available for the recovery|Attach a disk the recovery can use.
VSS_E_ASRERROR_RDISK0_TOOSMALL|n|the first recovery disk is too small|Use a larger disk for the system.
VSS_E_ASRERROR_RDISK_FOR_SYSTEM_DISK_NOT_FOUND|n|no disk was found to hold the system disk in the recovery|Attach a disk large enough for the system disk.
VSS_E_ASRERROR_SHARED_CRIDISK|n|a critical disk is a shared (cluster) disk|Move critical volumes off shared disks.
VSS_E_ASRERROR_SYSTEM_PARTITION_HIDDEN|n|the system partition is hidden|Unhide the system partition before the recovery.
VSS_E_AUTORECOVERY_FAILED|n|the auto-recovery of a shadow copy failed|Check the application event log; create the shadow copy again.
VSS_E_BAD_STATE|n|the call came out of the order VSS requires for this session|This is a bug in the requester's call order; start a new session.
VSS_E_BREAK_REVERT_ID_FAILED|n|breaking the shadow copy set could not revert the disk identifiers|Check the disks of the broken set with Disk Management.
VSS_E_CANNOT_REVERT_DISKID|n|the disk identifier could not be reverted|Check the disks with Disk Management.
VSS_E_CLUSTER_ERROR|n|a cluster operation failed|Check the cluster's event log and resources.
VSS_E_CLUSTER_TIMEOUT|y|a cluster operation timed out|Try again when the cluster is less busy.
VSS_E_CORRUPT_XML_DOCUMENT|n|an XML document (backup components or writer metadata) is corrupt|Use an intact copy of the backup components document.
VSS_E_CRITICAL_VOLUME_ON_INVALID_DISK|n|a critical volume is on a disk that cannot be used|Move the critical volume to a supported disk.
VSS_E_DYNAMIC_DISK_ERROR|n|a dynamic disk could not be handled|Check the dynamic disks with Disk Management.
VSS_E_FLUSH_WRITES_TIMEOUT|y|the system could not flush the volumes' writes in time|Transient: the DoSnapshotSet page advises waiting ten minutes and trying again, up to three times.
VSS_E_FSS_TIMEOUT|y|the file share shadow copy agent timed out|Try again when the file server is less busy.
VSS_E_HOLD_WRITES_TIMEOUT|y|the system could not hold the volumes' writes long enough|Transient: the DoSnapshotSet page advises waiting ten minutes and trying again, up to three times.
VSS_E_INSUFFICIENT_STORAGE|n|there is not enough shadow copy storage|Free space, delete old shadow copies, or raise the diff area maximum (vssadmin resize shadowstorage).
VSS_E_INVALID_XML_DOCUMENT|n|an XML document is not valid for this call|Pass the backup components document saved by the backup, unchanged.
VSS_E_LEGACY_PROVIDER|n|the provider is a legacy one that does not support this operation|Choose another provider.
VSS_E_MAXIMUM_DIFFAREA_ASSOCIATIONS_REACHED|n|the volume has the most diff area associations allowed|Remove an unused diff area association first.
VSS_E_MAXIMUM_NUMBER_OF_REMOTE_MACHINES_REACHED|n|too many remote machines take part in the shadow copy set|Use fewer remote file shares per set.
VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED|n|the volume or system has the most shadow copies allowed|Delete old shadow copies of the volume and try again.
VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED|n|the shadow copy set holds the most volumes allowed|Split the volumes over several sets (64 per set).
VSS_E_MISSING_DISK|n|a disk needed by the operation is missing|Attach the missing disk.
VSS_E_MISSING_HIDDEN_VOLUME|n|a hidden volume needed by the operation is missing|Attach the disk with the hidden volume.
VSS_E_MISSING_VOLUME|n|a volume needed by the operation is missing|Attach the missing volume.
VSS_E_NESTED_VOLUME_LIMIT|n|the volume is nested too deeply (a VHD inside a VHD) to take part|Shadow copy the outer volume instead.
VSS_E_NONTRANSPORTABLE_BCD|n|the boot configuration data cannot be transported|Leave the boot volume out of a transportable set.
VSS_E_NOT_SUPPORTED|n|the operation is not supported by this VSS, provider or volume|Use an operation, provider or volume that supports it.
VSS_E_NO_SNAPSHOTS_IMPORTED|n|none of the shadow copies could be imported|Check that the transported disks are visible to this machine.
VSS_E_OBJECT_ALREADY_EXISTS|n|the object (diff area, exposure, registration) already exists|Use the existing object, or remove it first.
VSS_E_OBJECT_NOT_FOUND|n|the volume, shadow copy or object named does not exist|Check the name or id (volume roots end with a backslash).
VSS_E_PROVIDER_ALREADY_REGISTERED|n|the provider is already registered|Nothing to register.
VSS_E_PROVIDER_IN_USE|y|the provider is in use|Try again when the provider's other operation has finished.
VSS_E_PROVIDER_NOT_REGISTERED|n|the provider asked for is not registered|Use a registered provider (listProviders) or let VSS choose.
VSS_E_PROVIDER_VETO|y|the provider refused the request at this time|Transient: the DoSnapshotSet page advises waiting ten minutes and trying again, up to three times; see the event log for the provider's reason.
VSS_E_REBOOT_REQUIRED|n|the provider needs the computer to be restarted|Restart the computer, then try again.
VSS_E_REMOTE_SERVER_UNAVAILABLE|y|the remote file server cannot be reached|Check the network and that the file server runs the File Server VSS Agent.
VSS_E_REMOTE_SERVER_UNSUPPORTED|n|the remote file server does not support shadow copies of shares|Install the File Server VSS Agent Service on the server, or copy the share without a shadow copy.
VSS_E_RESYNC_IN_PROGRESS|y|a LUN resynchronisation is in progress|Try again when the resynchronisation has finished.
VSS_E_REVERT_IN_PROGRESS|y|the volume is being reverted to a shadow copy|Try again when the revert has finished.
VSS_E_REVERT_VOLUME_LOST|n|the volume was lost while it was reverted|Check the disk; restore the volume from a backup.
VSS_E_SNAPSHOT_NOT_IN_SET|n|the shadow copy is not part of the set named|Use the set id the shadow copy belongs to.
VSS_E_SNAPSHOT_SET_IN_PROGRESS|y|another shadow copy set is being created|Wait and try again; createShadowCopySet retries for two minutes by default (retry.inProgressMs).
VSS_E_SOME_SNAPSHOTS_NOT_IMPORTED|n|some of the shadow copies could not be imported|Check that all transported disks are visible to this machine.
VSS_E_TRANSACTION_FREEZE_TIMEOUT|y|the transaction managers (DTC, KTM) could not be frozen in time|Try again when fewer transactions are running.
VSS_E_TRANSACTION_THAW_TIMEOUT|y|the transaction managers (DTC, KTM) could not be thawed in time|Try again when fewer transactions are running.
VSS_E_UNEXPECTED|n|VSS hit an unexpected error and logged it|Look for VSS errors in the Application event log; restart the VSS service if it repeats.
VSS_E_UNEXPECTED_PROVIDER_ERROR|y|the provider returned an unexpected error|Transient: the DoSnapshotSet page advises waiting ten minutes and trying again, up to three times; see the event log.
VSS_E_UNEXPECTED_WRITER_ERROR|n|a writer returned an unexpected error|Check the writer's application and its event log (writer status names the writer).
VSS_E_UNSELECTED_VOLUME|n|the volume was not selected for the operation|Add the volume to the set, or name a selected one.
VSS_E_UNSUPPORTED_CONTEXT|n|the provider does not support the snapshot context asked for|Choose another context (backup is supported everywhere) or provider.
VSS_E_VOLUME_IN_USE|y|the volume is in use by another operation|Try again when the other operation has finished.
VSS_E_VOLUME_NOT_LOCAL|n|the volume is not local to this machine|Shadow copy the volume on the machine it belongs to.
VSS_E_VOLUME_NOT_SUPPORTED|n|no provider supports shadow copies of this volume|Use a local NTFS or ReFS volume, or a supported file share.
VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER|n|the provider asked for does not support this volume|Choose another provider, or let VSS choose.
VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT|n|the writer needs volumes the shadow copy set does not include|Add every volume holding the writer's data to the set.
VSS_E_WRITERERROR_NONRETRYABLE|n|the writer failed with an error that would happen again|Fix the writer's application (see its event log) before trying again.
VSS_E_WRITERERROR_OUTOFRESOURCES|y|the writer ran out of memory or other resources|Wait about ten minutes and create the set again, up to three times (the GetWriterStatus page's advice).
VSS_E_WRITERERROR_PARTIAL_FAILURE|n|the writer failed for some of its components|Check which components failed (writer status) and the application's event log.
VSS_E_WRITERERROR_RECOVERY_FAILED|n|the writer could not recover the shadow copy volume|Check the writer's application and its event log.
VSS_E_WRITERERROR_RETRYABLE|y|the writer failed with an error a new attempt would likely not meet|Wait about ten minutes and create the set again, up to three times (the GetWriterStatus page's advice).
VSS_E_WRITERERROR_TIMEOUT|y|the writer timed out between freeze and thaw|Wait about ten minutes and create the set again, up to three times (the GetWriterStatus page's advice).
VSS_E_WRITER_ALREADY_SUBSCRIBED|n|the writer is already subscribed|Nothing to subscribe.
VSS_E_WRITER_INFRASTRUCTURE|n|the writer infrastructure is not working|Restart the VSS service; check the event log (vssadmin list writers).
VSS_E_WRITER_NOT_RESPONDING|y|a writer did not answer VSS|Try again later; restart the writer's service if it repeats.
VSS_E_WRITER_STATUS_NOT_AVAILABLE|y|a writer's status is not available (it may have too many sessions)|Try again when fewer backups run at once.
VSS_S_ASYNC_CANCELLED|n|the asynchronous operation was cancelled|Nothing to do: the cancel took effect.
VSS_S_ASYNC_FINISHED|n|the asynchronous operation finished|Nothing to do.
VSS_S_ASYNC_PENDING|n|the asynchronous operation is still running|Wait for it.
VSS_S_SOME_SNAPSHOTS_NOT_IMPORTED|n|some of the shadow copies were not imported|Check that all transported disks are visible to this machine.
`;

const MEANINGS: ReadonlyMap<HresultName, HresultMeaning> = new Map(
  TABLE.trim().split("\n").map((row) => {
    const [name, retryable, meaning, hint] = row.split("|") as [
      HresultName,
      string,
      string,
      string,
    ];
    return [name, { name, meaning, hint, retryable: retryable === "y" }];
  }),
);

/**
 * The meaning, hint and retryability of an HRESULT (signed or unsigned), or
 * undefined for a code outside the model.
 *
 * @example Decide whether to schedule another attempt
 * ```ts
 * import { HRESULT, hresultMeaning } from "./mod.ts";
 *
 * console.log(hresultMeaning(HRESULT.VSS_E_WRITERERROR_TIMEOUT)?.retryable); // true
 * console.log(hresultMeaning(HRESULT.VSS_E_WRITERERROR_NONRETRYABLE)?.retryable); // false
 * ```
 */
export function hresultMeaning(hr: number | HresultName): HresultMeaning | undefined {
  if (typeof hr === "string") return MEANINGS.get(hr);
  const names = HRESULT_NAMES.get(toUnsigned(hr));
  return names === undefined ? undefined : MEANINGS.get(names[0]);
}

/** Every name of the model with a row in the table (for the completeness test). */
export function meaningNames(): HresultName[] {
  return (Object.keys(HRESULT) as HresultName[]).filter((name) => MEANINGS.has(name));
}
