/* The simulated machine saved across processes (opt-in: VSS_SIM_STATE_DIR):
 * volumes, persistent shadow copies, diff areas and id counters, in
 * <dir>/vss-sim-state.xml, guarded by <dir>/vss-sim-state.lock. Every function
 * runs with the state lock held. */
#ifndef SIM_PERSIST_H
#define SIM_PERSIST_H

#include "platform.h"

/* Reads VSS_SIM_STATE_DIR; when set, replaces the machine with the saved one
 * (if any). Returns the number of shadow copies loaded, -1 when not persisting. */
int32_t persist_load(void);
/* Something saved with the machine changed. */
void persist_mark(void);
/* Saves the machine if something changed since the last save. */
void persist_flush(void);
/* vss_sim_reset: reads VSS_SIM_STATE_DIR again and deletes the saved machine. */
void persist_clear(void);
bool persist_enabled(void);

#endif
