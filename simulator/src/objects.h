/* Constructors of the simulated objects, and what they share. */
#ifndef SIM_OBJECTS_H
#define SIM_OBJECTS_H

#include "iids.h"
#include "obj.h"
#include "record.h"
#include "state.h"

/* ---- async.c ---- */
typedef struct sim_async sim_async;
/* Called once, with the state lock held, when the operation finishes, fails,
 * is cancelled or is abandoned; final is the status QueryStatus reports. */
typedef void (*async_done_fn)(sim_obj *owner, sim_async *a, HRESULT final);
/* The returned object holds a reference on owner until done has run. */
IVssAsync *async_new(const sim_method *creator, sim_obj *owner, async_done_fn done);
/* The same, ending with outcome (a failure such as a writer's veto) unless an
 * injected rule (vss_sim_fail_async) says otherwise. */
IVssAsync *async_new_ex(const sim_method *creator, sim_obj *owner, async_done_fn done, HRESULT outcome);
/* Real work (copying a directory volume, reverting one) done off the
 * caller's thread, so the caller's event loop keeps running and Cancel acts
 * at once. When the operation's time has come and it would succeed:
 *   prepare (state lock held, inside a transaction): S_OK starts run on a
 *     worker thread, S_FALSE skips it (commit follows at once), a failure
 *     ends the operation with it;
 *   run (no lock): returns FS_OK or FS_ERR_*, stops early when *cancel is set;
 *   commit (state lock held, in a transaction unless state_ok is false): the
 *     status the operation ends with; undoes everything when cancelled or
 *     failed;
 *   release: frees the job.
 * QueryStatus says pending while run works; Cancel sets the flag, and the
 * operation ends (cancelled, nothing left) once run has stopped. */
typedef struct async_work {
    HRESULT (*prepare)(sim_obj *owner, void *job);
    int (*run)(void *job, volatile int *cancel);
    HRESULT (*commit)(sim_obj *owner, void *job, int run_result, bool cancelled, bool state_ok);
    void (*release)(void *job);
} async_work;
IVssAsync *async_new_work(const sim_method *creator, sim_obj *owner, async_done_fn done, HRESULT outcome,
                          const async_work *work, void *job);
/* From a done callback: the status the operation ends with after all. */
void async_set_final(sim_async *a, HRESULT final);
/* Completes the operation if its time has come; true once it is no longer pending. */
bool async_poll(sim_async *a);
sim_async *async_from(IVssAsync *p);

/* ---- enum.c ---- */
typedef struct enum_mgmt_item {
    int type; /* VSS_MGMT_OBJECT_TYPE */
    char *s[2];
    int64_t n[3];
} enum_mgmt_item;
/* Copies the snapshots (n may be 0); providers: one provider item instead. */
IVssEnumObject *enum_objects_new(sim_snapshot *const *snaps, size_t n, bool providers);
/* Takes ownership of items. */
IVssEnumMgmtObject *enum_mgmt_new(enum_mgmt_item *items, size_t n);

/* ---- writer_metadata.c ---- */
IVssWMFiledesc *fd_new(const char *path, const char *filespec, bool recursive, const char *alternate, DWORD type_mask);
/* Takes ownership of w. */
IVssExamineWriterMetadataEx2 *wm_new(sim_writer *w);

/* ---- mgmt.c ---- */
IVssSnapshotMgmt *mgmt_new(void);
/* A new management object, as the interface riid (state lock held). */
HRESULT mgmt_create(REFIID riid, void **ppv);

/* ---- backup_components.c ---- */
IVssBackupComponentsEx4 *bc_new(void);

#endif
