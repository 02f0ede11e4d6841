/* Writer profiles: named sets of simulated writers that make the machine look
 * like a real one to a requester. "windows-server" resembles the writers a
 * Windows Server with SQL Server reports (README "Writer profiles"); the class
 * ids of the in-box writers are those win32/desktop-src/VSS/in-box-vss-writers.md
 * gives, SqlServerWriter's is the one SQL Server's writer registers. */
#include "persist.h"
#include "state.h"
#include "util.h"

static const char *const profile_names[WRITER_PROFILE_COUNT] = {
    [WRITER_PROFILE_NONE] = "none",
    [WRITER_PROFILE_WINDOWS_SERVER] = "windows-server",
};

int writer_profile_parse(const char *name)
{
    for (int i = 0; name && i < WRITER_PROFILE_COUNT; i++)
        if (!strcmp(name, profile_names[i]))
            return i;
    return -1;
}

const char *writer_profile_name(int profile)
{
    return profile >= 0 && profile < WRITER_PROFILE_COUNT ? profile_names[profile] : "none";
}

typedef struct file_spec {
    const char *path, *filespec;
    bool recursive;
} file_spec;

typedef struct comp_spec {
    int type;
    const char *logical_path, *name, *caption;
    bool selectable;
    file_spec files[4], databases[2], logs[2];
} comp_spec;

typedef struct writer_spec {
    const char *name, *writer_id, *instance_id;
    int usage, source, restore_method;
    const char *service;
    comp_spec comps[4];
} writer_spec;

#define SQL_DATA "C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\DATA\\"

/* Logical path "@HOST@" is replaced by the machine's short name, as SQL
 * Server's writer names its instance. */
#define FSPEC(p, spec, rec) { .path = (p), .filespec = (spec), .recursive = (rec) }
#define GROUP(n, cap, ...) { .type = VSS_CT_FILEGROUP, .name = (n), .caption = (cap), .files = { __VA_ARGS__ } }
#define DB(n, dbs, lgs) \
    { .type = VSS_CT_DATABASE, .logical_path = "@HOST@", .name = (n), .caption = (n), .selectable = true, \
      .databases = dbs, .logs = lgs }
#define LIST(...) { __VA_ARGS__ }
static const writer_spec windows_server[] = {
    { .name = "System Writer", .writer_id = "e8132975-6f93-4464-a53e-1050253ae220",
      .instance_id = "5a1d0100-0000-4000-8000-000000000001", .usage = VSS_UT_BOOTABLESYSTEMSTATE,
      .source = VSS_ST_OTHER, .restore_method = VSS_RME_CUSTOM,
      .comps = { GROUP("System Files", "System Files", FSPEC("C:\\Windows\\System32\\", "*", true),
                       FSPEC("C:\\Windows\\WinSxS\\", "*", true), FSPEC("C:\\Windows\\SysWOW64\\", "*", true),
                       FSPEC("C:\\Windows\\Boot\\", "*", true)) } },
    { .name = "Registry Writer", .writer_id = "afbab4a2-367d-4d15-a586-71dbb18f8485",
      .instance_id = "5a1d0100-0000-4000-8000-000000000002", .usage = VSS_UT_BOOTABLESYSTEMSTATE,
      .source = VSS_ST_OTHER, .restore_method = VSS_RME_RESTORE_AT_REBOOT,
      .comps = { GROUP("Registry", "Registry", FSPEC("C:\\Windows\\System32\\config\\", "SAM", false),
                       FSPEC("C:\\Windows\\System32\\config\\", "SECURITY", false),
                       FSPEC("C:\\Windows\\System32\\config\\", "SOFTWARE", false),
                       FSPEC("C:\\Windows\\System32\\config\\", "SYSTEM", false)) } },
    { .name = "COM+ REGDB Writer", .writer_id = "542da469-d3e1-473c-9f4f-7847f01fc64f",
      .instance_id = "5a1d0100-0000-4000-8000-000000000003", .usage = VSS_UT_BOOTABLESYSTEMSTATE,
      .source = VSS_ST_OTHER, .restore_method = VSS_RME_RESTORE_AT_REBOOT,
      .comps = { GROUP("COM+ REGDB", "COM+ REGDB", FSPEC("C:\\Windows\\Registration\\", "*.clb", false)) } },
    { .name = "WMI Writer", .writer_id = "a6ad56c2-b509-4e6c-bb19-49d8f43532f0",
      .instance_id = "5a1d0100-0000-4000-8000-000000000004", .usage = VSS_UT_SYSTEMSERVICE, .source = VSS_ST_OTHER,
      .restore_method = VSS_RME_RESTORE_STOP_START, .service = "Winmgmt",
      .comps = { GROUP("WMI", "Windows Management Instrumentation",
                       FSPEC("C:\\Windows\\System32\\wbem\\Repository\\", "*", true)) } },
    { .name = "SqlServerWriter", .writer_id = "a65faa63-5ea8-4ebc-9dbd-a0c4db26912a",
      .instance_id = "5a1d0100-0000-4000-8000-000000000005", .usage = VSS_UT_USERDATA, .source = VSS_ST_TRANSACTEDDB,
      .restore_method = VSS_RME_RESTORE_IF_CAN_REPLACE,
      .comps = { DB("master", LIST(FSPEC(SQL_DATA, "master.mdf", false)), LIST(FSPEC(SQL_DATA, "mastlog.ldf", false))),
                 DB("model", LIST(FSPEC(SQL_DATA, "model.mdf", false)), LIST(FSPEC(SQL_DATA, "modellog.ldf", false))),
                 DB("msdb", LIST(FSPEC(SQL_DATA, "MSDBData.mdf", false)), LIST(FSPEC(SQL_DATA, "MSDBLog.ldf", false))),
                 DB("SalesDb",
                    LIST(FSPEC("D:\\SQLData\\", "SalesDb.mdf", false), FSPEC("D:\\SQLData\\", "SalesDb_1.ndf", false)),
                    LIST(FSPEC("E:\\SQLLogs\\", "SalesDb_log.ldf", false))) } },
};

/* The machine's short name in upper case (SQL Server's server name). */
static char *short_host(void)
{
    char *h = sim_strdup(state_machine_name());
    for (char *p = h; *p; p++) {
        if (*p == '.') {
            *p = '\0';
            break;
        }
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 32);
    }
    return h;
}

static void add_files(sim_wcomp *c, int kind, const file_spec *f, size_t n)
{
    for (size_t i = 0; i < n && f[i].path; i++)
        file_push(&c->files[kind], &c->nfiles[kind], &c->capfiles[kind], f[i].path, f[i].filespec, f[i].recursive,
                  NULL);
}

static sim_writer *make_writer(const writer_spec *ws, const char *host)
{
    sim_writer *w = writer_new();
    w->from_profile = true;
    w->name = sim_strdup(ws->name);
    guid_parse(ws->writer_id, &w->writer_id);
    guid_parse(ws->instance_id, &w->instance_id);
    w->usage = ws->usage;
    w->source = ws->source;
    w->restore_method = ws->restore_method;
    w->service = sim_strdup(ws->service);
    w->writer_restore = VSS_WRE_ALWAYS;
    for (size_t i = 0; i < SIM_ARRAY_LEN(ws->comps) && ws->comps[i].name; i++) {
        const comp_spec *cs = &ws->comps[i];
        sim_wcomp *c = VEC_PUSH(w->comps, w->ncomps, w->capcomps);
        c->type = cs->type;
        c->logical_path = cs->logical_path && !strcmp(cs->logical_path, "@HOST@") ? sim_strdup(host)
                                                                                   : sim_strdup(cs->logical_path);
        c->name = sim_strdup(cs->name);
        c->caption = sim_strdup(cs->caption);
        c->selectable = cs->selectable;
        c->selectable_for_restore = cs->selectable;
        add_files(c, FILE_KIND_FILE, cs->files, SIM_ARRAY_LEN(cs->files));
        add_files(c, FILE_KIND_DATABASE, cs->databases, SIM_ARRAY_LEN(cs->databases));
        add_files(c, FILE_KIND_LOG, cs->logs, SIM_ARRAY_LEN(cs->logs));
    }
    return w;
}

void writer_profile_install(int profile)
{
    if (profile < 0 || profile >= WRITER_PROFILE_COUNT)
        return;
    size_t kept = 0;
    for (size_t i = 0; i < g_state.nwriters; i++) {
        if (g_state.writers[i]->from_profile)
            writer_free(g_state.writers[i]);
        else
            g_state.writers[kept++] = g_state.writers[i];
    }
    g_state.nwriters = kept;
    if (profile == WRITER_PROFILE_WINDOWS_SERVER) {
        char *host = short_host();
        for (size_t i = 0; i < SIM_ARRAY_LEN(windows_server); i++)
            *(sim_writer **)VEC_PUSH(g_state.writers, g_state.nwriters, g_state.capwriters) =
                make_writer(&windows_server[i], host);
        free(host);
    }
    if (g_state.writer_profile != profile)
        persist_mark();
    g_state.writer_profile = profile;
}
