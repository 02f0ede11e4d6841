#include "xml.h"

void xml_open(sbuf *b, const char *name)
{
    sb_putc(b, '<');
    sb_puts(b, name);
}

void xml_str(sbuf *b, const char *attr, const char *value)
{
    if (!value)
        return;
    sb_printf(b, " %s=\"", attr);
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        switch (*p) {
        case '&': sb_puts(b, "&amp;"); break;
        case '<': sb_puts(b, "&lt;"); break;
        case '>': sb_puts(b, "&gt;"); break;
        case '"': sb_puts(b, "&quot;"); break;
        default:
            if (*p < 0x20)
                sb_printf(b, "&#x%x;", *p);
            else
                sb_putc(b, (char)*p);
        }
    }
    sb_putc(b, '"');
}

void xml_int(sbuf *b, const char *attr, long long value) { sb_printf(b, " %s=\"%lld\"", attr, value); }

void xml_guid(sbuf *b, const char *attr, const GUID *g)
{
    char s[37];
    guid_format(g, s);
    xml_str(b, attr, s);
}

void xml_close(sbuf *b, bool empty) { sb_puts(b, empty ? "/>\n" : ">\n"); }

void xml_end(sbuf *b, const char *name) { sb_printf(b, "</%s>\n", name); }

static void skip_space(const char **p)
{
    while (**p == ' ' || **p == '\n' || **p == '\r' || **p == '\t')
        (*p)++;
}

static char *unescape(const char *s, size_t n)
{
    sbuf b = { 0 };
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '&') {
            sb_putc(&b, s[i]);
            continue;
        }
        const char *semi = memchr(s + i, ';', n - i);
        if (!semi)
            break;
        size_t len = (size_t)(semi - (s + i));
        if (len == 4 && !strncmp(s + i, "&amp", 4))
            sb_putc(&b, '&');
        else if (len == 3 && !strncmp(s + i, "&lt", 3))
            sb_putc(&b, '<');
        else if (len == 3 && !strncmp(s + i, "&gt", 3))
            sb_putc(&b, '>');
        else if (len == 5 && !strncmp(s + i, "&quot", 5))
            sb_putc(&b, '"');
        else if (len > 3 && s[i + 1] == '#' && s[i + 2] == 'x')
            sb_putc(&b, (char)strtol(s + i + 3, NULL, 16));
        i += len;
    }
    return sb_take(&b);
}

bool xml_next(const char **p, xml_elem *e, bool *bad)
{
    memset(e, 0, sizeof *e);
    skip_space(p);
    if (!**p)
        return false;
    if (**p != '<')
        goto malformed;
    (*p)++;
    if (**p == '/') {
        e->closing = true;
        (*p)++;
    }
    size_t n = 0;
    while (**p && **p != ' ' && **p != '>' && **p != '/' && **p != '\n') {
        if (n + 1 >= sizeof e->name)
            goto malformed;
        e->name[n++] = *(*p)++;
    }
    if (!n)
        goto malformed;
    for (;;) {
        skip_space(p);
        if (**p == '>') {
            (*p)++;
            return true;
        }
        if (**p == '/' && (*p)[1] == '>') {
            *p += 2;
            return true;
        }
        const char *key = *p;
        while (**p && **p != '=' && **p != ' ' && **p != '>')
            (*p)++;
        if (**p != '=' || (*p)[1] != '"' || e->nattrs == XML_MAX_ATTRS)
            goto malformed;
        size_t klen = (size_t)(*p - key);
        *p += 2;
        const char *val = *p;
        while (**p && **p != '"')
            (*p)++;
        if (!**p)
            goto malformed;
        char *k = malloc(klen + 1);
        if (!k)
            abort();
        memcpy(k, key, klen);
        k[klen] = '\0';
        e->keys[e->nattrs] = k;
        e->values[e->nattrs++] = unescape(val, (size_t)(*p - val));
        (*p)++;
    }
malformed:
    xml_elem_free(e);
    *bad = true;
    return false;
}

void xml_elem_free(xml_elem *e)
{
    for (int i = 0; i < e->nattrs; i++) {
        free(e->keys[i]);
        free(e->values[i]);
    }
    e->nattrs = 0;
}

const char *xml_get(const xml_elem *e, const char *key)
{
    for (int i = 0; i < e->nattrs; i++)
        if (!strcmp(e->keys[i], key))
            return e->values[i];
    return NULL;
}

char *xml_dup(const xml_elem *e, const char *key) { return sim_strdup(xml_get(e, key)); }

long long xml_get_int(const xml_elem *e, const char *key, long long fallback)
{
    const char *v = xml_get(e, key);
    return v ? strtoll(v, NULL, 10) : fallback;
}

GUID xml_get_guid(const xml_elem *e, const char *key)
{
    GUID g = { 0 };
    guid_parse(xml_get(e, key), &g);
    return g;
}
