/* The property structs the requester receives and frees (props.c). */
#ifndef SIM_PROPS_H
#define SIM_PROPS_H

#include "state.h"

/* Fills *p from the shadow copy; the strings are task memory the requester frees. */
void snapshot_fill_prop(const sim_snapshot *s, VSS_SNAPSHOT_PROP *p);
/* Fills *p with the simulator's one provider, likewise. */
void provider_fill_prop(VSS_PROVIDER_PROP *p);
/* The index-th registered provider: 0 the system one, 1 the simulated hardware one. */
void provider_fill_prop_at(VSS_PROVIDER_PROP *p, size_t index);

#endif
