/* A writer's metadata as text (writer_xml.c): the simulator's own Writer
 * Metadata Document format, read and written by the objects that expose it. */
#ifndef SIM_WRITER_XML_H
#define SIM_WRITER_XML_H

#include "state.h"

/* The writer as a document; the caller frees it. */
char *writer_to_xml(const sim_writer *w);
/* A new writer read from a document, or NULL when it is not one. */
sim_writer *writer_from_xml(const char *xml);

#endif
