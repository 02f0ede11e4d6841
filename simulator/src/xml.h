/* The simulator's documents (SaveAsXML, InitializeForRestore, writer metadata)
 * are flat XML: elements with attributes, nesting told by the element order. */
#ifndef SIM_XML_H
#define SIM_XML_H

#include "util.h"

void xml_open(sbuf *b, const char *name);
void xml_str(sbuf *b, const char *attr, const char *value); /* NULL: attribute left out */
void xml_int(sbuf *b, const char *attr, long long value);
void xml_guid(sbuf *b, const char *attr, const GUID *g);
void xml_close(sbuf *b, bool empty); /* "/>" or ">" */
void xml_end(sbuf *b, const char *name);

#define XML_MAX_ATTRS 32
typedef struct xml_elem {
    char name[48];
    bool closing;
    int nattrs;
    char *keys[XML_MAX_ATTRS];
    char *values[XML_MAX_ATTRS];
} xml_elem;

/* Reads the next tag from *p; false at the end or on malformed input (*bad set). */
bool xml_next(const char **p, xml_elem *e, bool *bad);
void xml_elem_free(xml_elem *e);
const char *xml_get(const xml_elem *e, const char *key); /* NULL when absent */
char *xml_dup(const xml_elem *e, const char *key);
long long xml_get_int(const xml_elem *e, const char *key, long long fallback);
GUID xml_get_guid(const xml_elem *e, const char *key);

#endif
