/*
 * Bulk readers: the paths that would otherwise cost thousands of calls from
 * JavaScript, done in one native call each. Strings are copied into a
 * caller-provided UTF-16 buffer and referred to by a 64-bit code written where
 * the pointer was: 0 for a null pointer, else ((start + 1) << 32) | length.
 * VSS memory is freed as the ABI model's freeWith says, through the functions
 * the caller passes in `frees` (the library imports nothing):
 *   frees[0] CoTaskMemFree, frees[1] SysFreeString, frees[2] VssFreeSnapshotProperties.
 *
 * Return values: 1 done; 0 the record buffer is full (call again); 2 the string
 * buffer is too small (state[3] units are needed; call again with a bigger one);
 * a negative HRESULT from VSS (state[4] names the call: see below).
 */
#include "vss_abi.h"
#include "thunks.h"

typedef void(STDAPICALLTYPE *free_fn)(void *);
typedef void(STDAPICALLTYPE *free_snapshot_fn)(VSS_SNAPSHOT_PROP *);

enum { DONE = 1, MORE = 0, NEED_UNITS = 2 };

typedef struct {
    uint16_t *units;
    uint32_t cap;
    uint32_t used;
} strbuf;

static uint32_t wide_length(const WCHAR *s) {
    uint32_t n = 0;
    if (s)
        while (s[n]) n++;
    return n;
}

static uint32_t bstr_length(const WCHAR *b) {
    return b ? ((const uint32_t *)(const void *)b)[-1] / 2 : 0;
}

/* Copies n units of s into the buffer (space already checked) and returns the code. */
static uint64_t put(strbuf *b, const WCHAR *s, uint32_t n) {
    if (!s) return 0;
    uint64_t code = ((uint64_t)(b->used + 1) << 32) | n;
    for (uint32_t i = 0; i < n; i++) b->units[b->used + i] = s[i];
    b->used += n;
    return code;
}

/* String pointer fields of one union member, by offset from the record's start. */
typedef struct {
    int32_t type;
    uint8_t count;
    uint8_t whole; /* 1: freed whole with frees[2] (VSS_SNAPSHOT_PROP), else each string with frees[0] */
    uint16_t offsets[6];
} member_desc;

#define OBJ(f) (uint16_t)(offsetof(VSS_OBJECT_PROP, Obj) + offsetof(VSS_SNAPSHOT_PROP, f))
#define PROV(f) (uint16_t)(offsetof(VSS_OBJECT_PROP, Obj) + offsetof(VSS_PROVIDER_PROP, f))
#define MGMT(m, f) (uint16_t)(offsetof(VSS_MGMT_OBJECT_PROP, Obj) + offsetof(m, f))

static const member_desc OBJECT_MEMBERS[] = {
    {VSS_OBJECT_SNAPSHOT, 6, 1,
     {OBJ(m_pwszSnapshotDeviceObject), OBJ(m_pwszOriginalVolumeName), OBJ(m_pwszOriginatingMachine),
      OBJ(m_pwszServiceMachine), OBJ(m_pwszExposedName), OBJ(m_pwszExposedPath)}},
    {VSS_OBJECT_PROVIDER, 2, 0, {PROV(m_pwszProviderName), PROV(m_pwszProviderVersion)}},
    {0, 0, 0, {0}},
};

static const member_desc MGMT_MEMBERS[] = {
    {VSS_MGMT_OBJECT_VOLUME, 2, 0,
     {MGMT(VSS_VOLUME_PROP, m_pwszVolumeName), MGMT(VSS_VOLUME_PROP, m_pwszVolumeDisplayName)}},
    {VSS_MGMT_OBJECT_DIFF_VOLUME, 2, 0,
     {MGMT(VSS_DIFF_VOLUME_PROP, m_pwszVolumeName),
      MGMT(VSS_DIFF_VOLUME_PROP, m_pwszVolumeDisplayName)}},
    {VSS_MGMT_OBJECT_DIFF_AREA, 2, 0,
     {MGMT(VSS_DIFF_AREA_PROP, m_pwszVolumeName),
      MGMT(VSS_DIFF_AREA_PROP, m_pwszDiffAreaVolumeName)}},
    {0, 0, 0, {0}},
};

typedef HRESULT (*next_fn)(void *self, uint8_t *record, ULONG *fetched);

static HRESULT next_object(void *self, uint8_t *record, ULONG *fetched) {
    IVssEnumObject *e = self;
    return e->lpVtbl->Next(e, 1, (VSS_OBJECT_PROP *)(void *)record, fetched);
}

static HRESULT next_mgmt(void *self, uint8_t *record, ULONG *fetched) {
    IVssEnumMgmtObject *e = self;
    return e->lpVtbl->Next(e, 1, (VSS_MGMT_OBJECT_PROP *)(void *)record, fetched);
}

/*
 * state: [0] records written, [1] units used, [2] in/out: 1 when record
 * [state[0]] holds an element fetched but not converted, [3] units it needs.
 */
static int32_t enumerate(void *self, next_fn next, const member_desc *members, uint32_t size,
                         uint8_t *records, uint32_t cap_records, uint16_t *units,
                         uint32_t cap_units, uint32_t *state, void *const *frees) {
    strbuf b = {units, cap_units, 0};
    uint32_t count = 0;
    int pending = state[2] != 0;
    state[2] = 0;
    for (;;) {
        uint8_t *record = records + (size_t)count * size;
        if (!pending) {
            if (count >= cap_records) break;
            ULONG fetched = 0;
            HRESULT hr = next(self, record, &fetched);
            if (hr < 0) {
                state[0] = count;
                state[1] = b.used;
                return hr;
            }
            if (fetched == 0) {
                state[0] = count;
                state[1] = b.used;
                return DONE;
            }
        }
        pending = 0;
        int32_t type = *(const int32_t *)(const void *)record;
        const member_desc *m = members;
        while (m->count && m->type != type) m++;
        if (m->count) {
            uint32_t lengths[6], need = 0;
            for (int i = 0; i < m->count; i++) {
                const WCHAR *s = *(WCHAR *const *)(const void *)(record + m->offsets[i]);
                need += lengths[i] = wide_length(s);
            }
            if (b.used + need > b.cap) {
                state[0] = count;
                state[1] = b.used;
                state[2] = 1;
                state[3] = need;
                return NEED_UNITS;
            }
            uint64_t codes[6];
            for (int i = 0; i < m->count; i++) {
                WCHAR *s = *(WCHAR **)(void *)(record + m->offsets[i]);
                codes[i] = put(&b, s, lengths[i]);
                if (!m->whole && s) ((free_fn)frees[0])(s);
            }
            if (m->whole) {
                ((free_snapshot_fn)frees[2])(
                    (VSS_SNAPSHOT_PROP *)(void *)(record + offsetof(VSS_OBJECT_PROP, Obj)));
            }
            for (int i = 0; i < m->count; i++)
                *(uint64_t *)(void *)(record + m->offsets[i]) = codes[i];
        }
        count++;
    }
    state[0] = count;
    state[1] = b.used;
    return MORE;
}

THUNK_EXPORT int32_t vss_enum_objects(IVssEnumObject *e, uint8_t *records, uint32_t cap_records,
                                      uint16_t *units, uint32_t cap_units, uint32_t *state,
                                      void *const *frees) {
    return enumerate(e, next_object, OBJECT_MEMBERS, sizeof(VSS_OBJECT_PROP), records,
                     cap_records, units, cap_units, state, frees);
}

THUNK_EXPORT int32_t vss_enum_mgmt_objects(IVssEnumMgmtObject *e, uint8_t *records,
                                           uint32_t cap_records, uint16_t *units,
                                           uint32_t cap_units, uint32_t *state,
                                           void *const *frees) {
    return enumerate(e, next_mgmt, MGMT_MEMBERS, sizeof(VSS_MGMT_OBJECT_PROP), records,
                     cap_records, units, cap_units, state, frees);
}

/*
 * Reads and frees a BSTR: copies its units (by its length prefix, so embedded
 * NULs stay) and frees it with frees[1]. Returns its length in units; when it
 * exceeds `cap`, copies and frees nothing and returns the length (call again).
 */
THUNK_EXPORT uint32_t vss_bstr_take(BSTR bstr, uint16_t *units, uint32_t cap, void *const *frees) {
    uint32_t n = bstr_length(bstr);
    if (n > cap) return n;
    for (uint32_t i = 0; i < n; i++) units[i] = bstr[i];
    ((free_fn)frees[1])(bstr);
    return n;
}

/*
 * The file descriptors `first`.. of a writer component, `which` 0 files,
 * 1 database files, 2 database log files: for each, GetPath, GetFilespec,
 * GetRecursive, GetAlternateLocation, GetBackupTypeMask, Release, as the
 * JavaScript reader calls them. Records are 32 bytes: path, filespec and
 * alternate location codes (u64 each), then recursive (u8 at 24) and the
 * type mask (u32 at 28). On a failure state[4] is the failing call: 0 the
 * getter of the descriptor, 1 GetPath, 2 GetFilespec, 3 GetRecursive,
 * 4 GetAlternateLocation, 5 GetBackupTypeMask; state[5] is 1 when the
 * descriptor pointer was null.
 */
THUNK_EXPORT int32_t vss_component_files(IVssWMComponent *c, uint32_t which, uint32_t first,
                                         uint32_t count, uint8_t *records, uint16_t *units,
                                         uint32_t cap_units, uint32_t *state,
                                         void *const *frees) {
    strbuf b = {units, cap_units, 0};
    free_fn free_bstr = (free_fn)frees[1];
    state[5] = 0;
    for (uint32_t i = 0; i < count; i++) {
        IVssWMFiledesc *d = NULL;
        HRESULT hr = which == 0   ? c->lpVtbl->GetFile(c, first + i, &d)
                     : which == 1 ? c->lpVtbl->GetDatabaseFile(c, first + i, &d)
                                  : c->lpVtbl->GetDatabaseLogFile(c, first + i, &d);
        state[0] = i;
        state[1] = b.used;
        if (hr < 0) {
            state[4] = 0;
            return hr;
        }
        if (!d) {
            state[4] = 0;
            state[5] = 1;
            return hr;
        }
        BSTR path = NULL, spec = NULL, alt = NULL;
        boolean recursive = 0;
        DWORD mask = 0;
        int step = 1;
        hr = d->lpVtbl->GetPath(d, &path);
        if (hr >= 0) step = 2, hr = d->lpVtbl->GetFilespec(d, &spec);
        if (hr >= 0) step = 3, hr = d->lpVtbl->GetRecursive(d, &recursive);
        if (hr >= 0) step = 4, hr = d->lpVtbl->GetAlternateLocation(d, &alt);
        if (hr >= 0) step = 5, hr = d->lpVtbl->GetBackupTypeMask(d, &mask);
        d->lpVtbl->Release(d);
        uint32_t lp = bstr_length(path), ls = bstr_length(spec), la = bstr_length(alt);
        int full = hr >= 0 && b.used + lp + ls + la > b.cap;
        if (hr < 0 || full) {
            if (path) free_bstr(path);
            if (spec) free_bstr(spec);
            if (alt) free_bstr(alt);
            if (hr < 0) {
                state[4] = (uint32_t)step;
                return hr;
            }
            state[3] = lp + ls + la;
            return NEED_UNITS;
        }
        uint8_t *r = records + (size_t)i * 32;
        *(uint64_t *)(void *)r = put(&b, path, lp);
        *(uint64_t *)(void *)(r + 8) = put(&b, spec, ls);
        *(uint64_t *)(void *)(r + 16) = put(&b, alt, la);
        r[24] = recursive;
        *(uint32_t *)(void *)(r + 28) = mask;
        if (path) free_bstr(path);
        if (spec) free_bstr(spec);
        if (alt) free_bstr(alt);
    }
    state[0] = count;
    state[1] = b.used;
    return DONE;
}

/*
 * The dependencies `first`.. of a writer component: for each, GetDependency,
 * then GetWriterId, GetLogicalPath, GetComponentName and Release, as the
 * JavaScript reader calls them. Records are 32 bytes: the writer id (GUID,
 * 16 bytes), then the logical path and component name codes (u64 each). On a
 * failure state[4] is the failing call: 0 GetDependency, 1 GetWriterId,
 * 2 GetLogicalPath, 3 GetComponentName; state[5] is 1 when the dependency
 * pointer was null.
 */
THUNK_EXPORT int32_t vss_component_dependencies(IVssWMComponent *c, uint32_t first, uint32_t count,
                                                uint8_t *records, uint16_t *units,
                                                uint32_t cap_units, uint32_t *state,
                                                void *const *frees) {
    strbuf b = {units, cap_units, 0};
    free_fn free_bstr = (free_fn)frees[1];
    state[5] = 0;
    for (uint32_t i = 0; i < count; i++) {
        IVssWMDependency *d = NULL;
        HRESULT hr = c->lpVtbl->GetDependency(c, first + i, &d);
        state[0] = i;
        state[1] = b.used;
        if (hr < 0) {
            state[4] = 0;
            return hr;
        }
        if (!d) {
            state[4] = 0;
            state[5] = 1;
            return hr;
        }
        VSS_ID id;
        BSTR path = NULL, name = NULL;
        int step = 1;
        for (size_t k = 0; k < sizeof id; k++) ((uint8_t *)&id)[k] = 0;
        hr = d->lpVtbl->GetWriterId(d, &id);
        if (hr >= 0) step = 2, hr = d->lpVtbl->GetLogicalPath(d, &path);
        if (hr >= 0) step = 3, hr = d->lpVtbl->GetComponentName(d, &name);
        d->lpVtbl->Release(d);
        uint32_t lp = bstr_length(path), ln = bstr_length(name);
        int full = hr >= 0 && b.used + lp + ln > b.cap;
        if (hr < 0 || full) {
            if (path) free_bstr(path);
            if (name) free_bstr(name);
            if (hr < 0) {
                state[4] = (uint32_t)step;
                return hr;
            }
            state[3] = lp + ln;
            return NEED_UNITS;
        }
        uint8_t *r = records + (size_t)i * 32;
        for (size_t k = 0; k < sizeof id; k++) r[k] = ((const uint8_t *)&id)[k];
        *(uint64_t *)(void *)(r + 16) = put(&b, path, lp);
        *(uint64_t *)(void *)(r + 24) = put(&b, name, ln);
        if (path) free_bstr(path);
        if (name) free_bstr(name);
    }
    state[0] = count;
    state[1] = b.used;
    return DONE;
}
