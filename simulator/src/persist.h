/* The simulated machine saved across processes (opt-in: VSS_SIM_STATE_DIR):
 * volumes, persistent shadow copies, diff areas, id counters and the intent
 * journal, in <dir>/vss-sim-state.xml, guarded by <dir>/vss-sim-state.lock.
 *
 * Every COM call and control call is one transaction: persist_begin takes the
 * inter-process lock (flock / LockFileEx) and reloads the file when another
 * process changed it, persist_end writes it (temporary file, fsync, rename)
 * when something changed and releases the lock. So processes see one machine,
 * ids stay unique and no change is lost. Every function runs with the state
 * lock held. */
#ifndef SIM_PERSIST_H
#define SIM_PERSIST_H

#include "platform.h"

/* Reads VSS_SIM_STATE_DIR and loads the saved machine. Returns the number of
 * shadow copies loaded, -1 when not persisting or when the file is unusable
 * (persist_error tells why). */
int32_t persist_load(void);
/* Start and end of a transaction. persist_begin fails (VSS_E_UNEXPECTED) when
 * the lock cannot be taken or the saved file is corrupt or unreadable; the
 * operation must then fail without effect. persist_end fails when the file
 * cannot be written: the machine is rolled back to the saved one and the
 * operation must fail (VSS_E_INSUFFICIENT_STORAGE when the disk is full,
 * VSS_E_UNEXPECTED otherwise). */
HRESULT persist_begin(void);
HRESULT persist_end(void);
/* Writes now, inside a transaction (a step of a multi-step change); `step`
 * names it for vss_sim_fail_state_write. Same failures as persist_end. */
HRESULT persist_commit(const char *step);
/* Something saved with the machine changed. */
void persist_mark(void);
/* vss_sim_reset: reads VSS_SIM_STATE_DIR again and deletes the saved machine. */
void persist_clear(void);
bool persist_enabled(void);
/* The last problem with the state directory, or NULL. */
const char *persist_error(void);
/* The next state write at `step` ("*": any) fails `times` times (-1: always). */
void persist_fail_write(const char *step, int32_t times);

/* The intent journal: snapshot folders whose fate is not settled yet. */
enum {
    JOURNAL_CREATING, /* being filled by process pid for a shadow copy not yet saved */
    JOURNAL_SESSION,  /* holds an auto-release shadow copy of process pid */
    JOURNAL_DELETING  /* its shadow copy is gone: remove it */
};
/* Records (or re-records) the folder; no effect when not persisting. */
void persist_journal(int kind, const char *folder);
void persist_journal_drop(const char *folder);
/* Inside a transaction: the folder's removal is journalled and done after the
 * next successful write (true); false: remove it now. */
bool persist_defer_removal(const char *folder);
/* Folders this process is filling right now (never swept as abandoned). */
void persist_job_add(const char *folder);
void persist_job_done(const char *folder);
/* Finishes a revert whose process died (RevertToSnapshot continues after a
 * restart). Called by the recovery with the volume's index. */
void persist_set_revert_finisher(void (*fn)(size_t volume));

#endif
