/* What every simulated COM object shares: a reference count, a visible id,
 * a destructor, and QueryInterface over a table of (IID, vtable pointer offset). */
#ifndef SIM_OBJ_H
#define SIM_OBJ_H

#include "platform.h"

typedef struct sim_obj {
    ULONG refs;
    int64_t id;
    void (*destroy)(struct sim_obj *self);
} sim_obj;

typedef struct qi_entry {
    const GUID *iid;
    size_t vptr_offset; /* from the object start to the vtable pointer to hand out */
} qi_entry;

void obj_init(sim_obj *o, void (*destroy)(sim_obj *));
ULONG obj_addref(sim_obj *o);
ULONG obj_release(sim_obj *o);
HRESULT obj_qi(void *object, sim_obj *o, const qi_entry *table, size_t n, REFIID riid, void **ppv);
int32_t obj_live(void);
void obj_reset_ids(void);

#endif
