/* The Backup Components Document's components, as a backup components object
 * keeps them: found and added by the selection setters, the document's text
 * form and the per-writer view (components.c). */
#include "bc.h"

bc_comp *bc_find_comp(bc *b, const GUID *writer_id, int type, const char *logical_path, const char *name)
{
    for (size_t i = 0; i < b->ncomps; i++) {
        bc_comp *c = &b->comps[i];
        if (guid_eq(&c->writer_id, writer_id) && c->type == type && str_eq(c->logical_path, logical_path) &&
            str_eq(c->name, name))
            return c;
    }
    return NULL;
}

bc_comp *bc_add_comp(bc *b, const GUID *instance_id, const GUID *writer_id, int type, const char *logical_path,
                     const char *name)
{
    bc_comp *c = VEC_PUSH(b->comps, b->ncomps, b->capcomps);
    c->instance_id = *instance_id;
    c->writer_id = *writer_id;
    c->type = type;
    c->logical_path = sim_strdup(logical_path);
    c->name = sim_strdup(name);
    c->backup_succeeded = -1;
    c->restore_target = VSS_RT_ORIGINAL;
    return c;
}

bc_item *comp_add_item(bc_comp *c, int kind)
{
    bc_item *it = VEC_PUSH(c->items, c->nitems, c->capitems);
    it->kind = kind;
    return it;
}

size_t comp_item_count(const bc_comp *c, int kind)
{
    size_t n = 0;
    for (size_t i = 0; i < c->nitems; i++)
        n += c->items[i].kind == kind;
    return n;
}

bc_item *comp_item(bc_comp *c, int kind, size_t index)
{
    for (size_t i = 0; i < c->nitems; i++)
        if (c->items[i].kind == kind && index-- == 0)
            return &c->items[i];
    return NULL;
}

static bool doc_writer_seen(bc *b, size_t upto, const bc_comp *c)
{
    for (size_t i = 0; i < upto; i++)
        if (guid_eq(&b->comps[i].instance_id, &c->instance_id) && guid_eq(&b->comps[i].writer_id, &c->writer_id))
            return true;
    return false;
}

size_t bc_doc_writer_count(bc *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->ncomps; i++)
        n += !doc_writer_seen(b, i, &b->comps[i]);
    return n;
}

bool bc_doc_writer(bc *b, size_t index, GUID *instance_id, GUID *writer_id)
{
    for (size_t i = 0; i < b->ncomps; i++) {
        if (doc_writer_seen(b, i, &b->comps[i]))
            continue;
        if (index-- == 0) {
            *instance_id = b->comps[i].instance_id;
            *writer_id = b->comps[i].writer_id;
            return true;
        }
    }
    return false;
}

void bc_clear_doc(bc *b)
{
    for (size_t i = 0; i < b->ncomps; i++) {
        bc_comp *c = &b->comps[i];
        free(c->logical_path);
        free(c->name);
        for (int k = 0; k < CS_COUNT; k++)
            free(c->str[k]);
        for (size_t j = 0; j < c->nitems; j++)
            for (int k = 0; k < ITEM_STRINGS; k++)
                free(c->items[j].s[k]);
        free(c->items);
    }
    free(b->comps);
    b->comps = NULL;
    b->ncomps = b->capcomps = 0;
    for (size_t i = 0; i < b->ndoc_snapshots; i++)
        snapshot_free(b->doc_snapshots[i]);
    free(b->doc_snapshots);
    b->doc_snapshots = NULL;
    b->ndoc_snapshots = 0;
}
