/* A writer's metadata as text: the Writer Metadata Document that
 * IVssExamineWriterMetadata::SaveAsXML writes and LoadFromXML (and
 * CreateVssExamineWriterMetadata) read back. */
#include "writer_xml.h"

#include "xml.h"

#define WM_ROOT "VssSimWriterMetadata"

static void put_file(sbuf *x, const char *tag, int kind, const sim_file *f)
{
    xml_open(x, tag);
    if (kind >= 0)
        xml_int(x, "kind", kind);
    xml_str(x, "path", f->path);
    xml_str(x, "filespec", f->filespec);
    xml_int(x, "recursive", f->recursive);
    xml_str(x, "alternate", f->alternate);
    xml_int(x, "typeMask", f->type_mask);
    xml_close(x, true);
}

char *writer_to_xml(const sim_writer *w)
{
    sbuf x = { 0 };
    xml_open(&x, WM_ROOT);
    xml_str(&x, "name", w->name);
    xml_str(&x, "instanceName", w->instance_name);
    xml_guid(&x, "writerId", &w->writer_id);
    xml_guid(&x, "instanceId", &w->instance_id);
    xml_int(&x, "usage", w->usage);
    xml_int(&x, "source", w->source);
    xml_int(&x, "restoreMethod", w->restore_method);
    xml_int(&x, "writerRestore", w->writer_restore);
    xml_str(&x, "service", w->service);
    xml_str(&x, "userProcedure", w->user_procedure);
    xml_int(&x, "rebootRequired", w->reboot_required);
    xml_int(&x, "schema", w->schema);
    xml_int(&x, "versionMajor", w->version_major);
    xml_int(&x, "versionMinor", w->version_minor);
    xml_close(&x, false);
    for (size_t i = 0; i < w->nexcludes; i++)
        put_file(&x, "Exclude", -1, &w->excludes[i]);
    for (size_t i = 0; i < w->nexclude_snap; i++)
        put_file(&x, "ExcludeFromSnapshot", -1, &w->exclude_snap[i]);
    for (size_t i = 0; i < w->nalt_maps; i++)
        put_file(&x, "AlternateLocationMapping", -1, &w->alt_maps[i]);
    for (size_t i = 0; i < w->ncomps; i++) {
        const sim_wcomp *c = &w->comps[i];
        xml_open(&x, "Component");
        xml_int(&x, "type", c->type);
        xml_str(&x, "logicalPath", c->logical_path);
        xml_str(&x, "name", c->name);
        xml_str(&x, "caption", c->caption);
        xml_int(&x, "selectable", c->selectable);
        xml_int(&x, "selectableForRestore", c->selectable_for_restore);
        xml_int(&x, "restoreMetadata", c->restore_metadata);
        xml_int(&x, "notifyOnBackupComplete", c->notify_on_backup_complete);
        xml_int(&x, "flags", c->flags);
        xml_close(&x, false);
        for (int k = 0; k < FILE_KIND_COUNT; k++)
            for (size_t j = 0; j < c->nfiles[k]; j++)
                put_file(&x, "File", k, &c->files[k][j]);
        for (size_t j = 0; j < c->ndeps; j++) {
            xml_open(&x, "Dependency");
            xml_guid(&x, "writerId", &c->deps[j].writer_id);
            xml_str(&x, "logicalPath", c->deps[j].logical_path);
            xml_str(&x, "componentName", c->deps[j].component_name);
            xml_close(&x, true);
        }
        xml_end(&x, "Component");
    }
    xml_end(&x, WM_ROOT);
    return sb_take(&x);
}

static sim_file *get_file(const xml_elem *e, sim_file **items, size_t *len, size_t *cap)
{
    sim_file *f = file_push(items, len, cap, xml_get(e, "path"), xml_get(e, "filespec"),
                            xml_get_int(e, "recursive", 0) != 0, xml_get(e, "alternate"));
    f->type_mask = (DWORD)xml_get_int(e, "typeMask", (long long)f->type_mask);
    return f;
}

sim_writer *writer_from_xml(const char *xml)
{
    const char *p = xml;
    xml_elem e;
    bool bad = false;
    if (!xml_next(&p, &e, &bad) || e.closing || strcmp(e.name, WM_ROOT) != 0) {
        xml_elem_free(&e);
        return NULL;
    }
    sim_writer *w = writer_new();
    w->name = xml_dup(&e, "name");
    w->instance_name = xml_dup(&e, "instanceName");
    w->writer_id = xml_get_guid(&e, "writerId");
    w->instance_id = xml_get_guid(&e, "instanceId");
    w->usage = (int)xml_get_int(&e, "usage", 0);
    w->source = (int)xml_get_int(&e, "source", 0);
    w->restore_method = (int)xml_get_int(&e, "restoreMethod", 0);
    w->writer_restore = (int)xml_get_int(&e, "writerRestore", 0);
    w->service = xml_dup(&e, "service");
    w->user_procedure = xml_dup(&e, "userProcedure");
    w->reboot_required = xml_get_int(&e, "rebootRequired", 0) != 0;
    w->schema = (DWORD)xml_get_int(&e, "schema", 0);
    w->version_major = (DWORD)xml_get_int(&e, "versionMajor", 1);
    w->version_minor = (DWORD)xml_get_int(&e, "versionMinor", 0);
    xml_elem_free(&e);
    bool closed = false;
    sim_wcomp *c = NULL;
    while (xml_next(&p, &e, &bad)) {
        if (e.closing) {
            if (!strcmp(e.name, WM_ROOT))
                closed = true;
            c = NULL;
        } else if (!strcmp(e.name, "Exclude")) {
            get_file(&e, &w->excludes, &w->nexcludes, &w->capexcludes);
        } else if (!strcmp(e.name, "ExcludeFromSnapshot")) {
            get_file(&e, &w->exclude_snap, &w->nexclude_snap, &w->capexclude_snap);
        } else if (!strcmp(e.name, "AlternateLocationMapping")) {
            get_file(&e, &w->alt_maps, &w->nalt_maps, &w->capalt_maps);
        } else if (!strcmp(e.name, "Component")) {
            c = VEC_PUSH(w->comps, w->ncomps, w->capcomps);
            c->type = (int)xml_get_int(&e, "type", 0);
            c->logical_path = xml_dup(&e, "logicalPath");
            c->name = xml_dup(&e, "name");
            c->caption = xml_dup(&e, "caption");
            c->selectable = xml_get_int(&e, "selectable", 0) != 0;
            c->selectable_for_restore = xml_get_int(&e, "selectableForRestore", 0) != 0;
            c->restore_metadata = xml_get_int(&e, "restoreMetadata", 0) != 0;
            c->notify_on_backup_complete = xml_get_int(&e, "notifyOnBackupComplete", 0) != 0;
            c->flags = (DWORD)xml_get_int(&e, "flags", 0);
        } else if (!strcmp(e.name, "File") && c) {
            int k = (int)xml_get_int(&e, "kind", 0);
            if (k >= 0 && k < FILE_KIND_COUNT)
                get_file(&e, &c->files[k], &c->nfiles[k], &c->capfiles[k]);
        } else if (!strcmp(e.name, "Dependency") && c) {
            sim_dep *d = VEC_PUSH(c->deps, c->ndeps, c->capdeps);
            d->writer_id = xml_get_guid(&e, "writerId");
            d->logical_path = xml_dup(&e, "logicalPath");
            d->component_name = xml_dup(&e, "componentName");
        }
        xml_elem_free(&e);
    }
    if (bad || !closed) {
        writer_free(w);
        return NULL;
    }
    return w;
}
