#include "util.h"

#include <stdarg.h>

static void sb_reserve(sbuf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap * 2 : 128;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p)
        abort();
    b->p = p;
    b->cap = cap;
}

void sb_putn(sbuf *b, const char *s, size_t n)
{
    sb_reserve(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void sb_puts(sbuf *b, const char *s) { sb_putn(b, s, strlen(s)); }

void sb_putc(sbuf *b, char c) { sb_putn(b, &c, 1); }

void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        sb_putn(b, tmp, (size_t)n);
        return;
    }
    sb_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void sb_free(sbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

char *sb_take(sbuf *b)
{
    if (!b->p)
        sb_putn(b, "", 0);
    char *p = b->p;
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}

static bool is_high(unsigned c) { return c >= 0xD800 && c <= 0xDBFF; }
static bool is_low(unsigned c) { return c >= 0xDC00 && c <= 0xDFFF; }

static void put_utf8(sbuf *b, uint32_t cp)
{
    char o[4];
    size_t n;
    if (cp < 0x80) {
        o[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        o[0] = (char)(0xF0 | (cp >> 18));
        o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    sb_putn(b, o, n);
}

void json_put_u16(sbuf *b, const WCHAR *s, size_t n)
{
    sb_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned c = s[i];
        if (c == '"' || c == '\\') {
            sb_putc(b, '\\');
            sb_putc(b, (char)c);
        } else if (c < 0x20) {
            sb_printf(b, "\\u%04x", c);
        } else if (c < 0x80) {
            sb_putc(b, (char)c);
        } else if (is_high(c) && i + 1 < n && is_low(s[i + 1])) {
            put_utf8(b, 0x10000 + ((c - 0xD800) << 10) + ((unsigned)s[i + 1] - 0xDC00));
            i++;
        } else if (is_high(c) || is_low(c)) {
            /* An unpaired surrogate cannot be UTF-8; the escape keeps it for JSON.parse. */
            sb_printf(b, "\\u%04x", c);
        } else {
            put_utf8(b, c);
        }
    }
    sb_putc(b, '"');
}

void json_put_u8(sbuf *b, const char *s)
{
    if (!s) {
        sb_puts(b, "null");
        return;
    }
    size_t n;
    WCHAR *w = u8_to_u16(s, &n);
    json_put_u16(b, w, n);
    free(w);
}

size_t u16_len(const WCHAR *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

char *u16_to_u8(const WCHAR *s, size_t n)
{
    sbuf b = { 0 };
    for (size_t i = 0; i < n; i++) {
        unsigned c = s[i];
        if (is_high(c) && i + 1 < n && is_low(s[i + 1])) {
            put_utf8(&b, 0x10000 + ((c - 0xD800) << 10) + ((unsigned)s[i + 1] - 0xDC00));
            i++;
        } else {
            put_utf8(&b, c);
        }
    }
    return sb_take(&b);
}

char *wstr_u8(const WCHAR *s) { return s ? u16_to_u8(s, u16_len(s)) : NULL; }

WCHAR *u8_to_u16(const char *s, size_t *out_len)
{
    size_t n = strlen(s), k = 0;
    WCHAR *w = malloc((n + 1) * sizeof(WCHAR));
    if (!w)
        abort();
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        unsigned c = p[i];
        if (c < 0x80) {
            cp = c;
            i += 1;
        } else if ((c & 0xE0) == 0xC0 && i + 1 < n) {
            cp = ((c & 0x1Fu) << 6) | (p[i + 1] & 0x3Fu);
            i += 2;
        } else if ((c & 0xF0) == 0xE0 && i + 2 < n) {
            cp = ((c & 0x0Fu) << 12) | ((p[i + 1] & 0x3Fu) << 6) | (p[i + 2] & 0x3Fu);
            i += 3;
        } else if ((c & 0xF8) == 0xF0 && i + 3 < n) {
            cp = ((c & 0x07u) << 18) | ((p[i + 1] & 0x3Fu) << 12) | ((p[i + 2] & 0x3Fu) << 6) | (p[i + 3] & 0x3Fu);
            i += 4;
        } else {
            cp = 0xFFFD;
            i += 1;
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            w[k++] = (WCHAR)(0xD800 + (cp >> 10));
            w[k++] = (WCHAR)(0xDC00 + (cp & 0x3FF));
        } else {
            w[k++] = (WCHAR)cp;
        }
    }
    w[k] = 0;
    if (out_len)
        *out_len = k;
    return w;
}

char *sim_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (!d)
        abort();
    memcpy(d, s, n);
    return d;
}

char *sim_strfmt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = malloc((size_t)n + 1);
    if (!p)
        abort();
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

bool str_ieq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    while (*a && lower((unsigned char)*a) == lower((unsigned char)*b))
        a++, b++;
    return *a == *b;
}

bool str_eq(const char *a, const char *b) { return strcmp(a ? a : "", b ? b : "") == 0; }

void guid_format(const GUID *g, char out[37])
{
    snprintf(out, 37, "%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", (unsigned long)g->Data1,
             (unsigned)g->Data2, (unsigned)g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3],
             g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)lower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool guid_parse(const char *s, GUID *g)
{
    if (!s)
        return false;
    if (*s == '{')
        s++;
    uint8_t bytes[16];
    int k = 0;
    for (int i = 0; k < 16; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
            continue;
        }
        int hi = hexval(s[i]), lo = hi < 0 ? -1 : hexval(s[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        bytes[k++] = (uint8_t)(hi * 16 + lo);
        i++;
    }
    g->Data1 = (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 | bytes[3];
    g->Data2 = (uint16_t)(bytes[4] << 8 | bytes[5]);
    g->Data3 = (uint16_t)(bytes[6] << 8 | bytes[7]);
    memcpy(g->Data4, bytes + 8, 8);
    return true;
}

bool guid_eq(const GUID *a, const GUID *b) { return memcmp(a, b, sizeof(GUID)) == 0; }

bool guid_is_null(const GUID *g)
{
    static const GUID null_guid;
    return guid_eq(g, &null_guid);
}

GUID guid_make(uint32_t kind, uint64_t n)
{
    GUID g = { 0 };
    g.Data1 = kind;
    for (int i = 0; i < 6; i++)
        g.Data4[7 - i] = (uint8_t)(n >> (8 * i));
    return g;
}

void *vec_push_(void **items, size_t *len, size_t *cap, size_t elem)
{
    if (*len == *cap) {
        size_t ncap = *cap ? *cap * 2 : 4;
        void *p = realloc(*items, ncap * elem);
        if (!p)
            abort();
        *items = p;
        *cap = ncap;
    }
    void *slot = (char *)*items + (*len)++ * elem;
    memset(slot, 0, elem);
    return slot;
}
