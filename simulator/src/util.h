/* Strings, GUIDs, growable buffers and arrays. Internal strings are UTF-8
 * (WTF-8 for unpaired surrogates, so UTF-16 input round-trips exactly). */
#ifndef SIM_UTIL_H
#define SIM_UTIL_H

#include "platform.h"

typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

void sb_putn(sbuf *b, const char *s, size_t n);
void sb_puts(sbuf *b, const char *s);
void sb_putc(sbuf *b, char c);
void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_free(sbuf *b);
/* Hands the NUL-terminated text over to the caller (free()). */
char *sb_take(sbuf *b);

/* JSON string literals, quotes included. */
void json_put_u16(sbuf *b, const WCHAR *s, size_t n);
void json_put_u8(sbuf *b, const char *s);

size_t u16_len(const WCHAR *s);
char *u16_to_u8(const WCHAR *s, size_t n);
/* Returns a malloc'ed NUL-terminated UTF-16 copy; *out_len gets the unit count. */
WCHAR *u8_to_u16(const char *s, size_t *out_len);
char *wstr_u8(const WCHAR *s); /* NULL stays NULL */

char *sim_strdup(const char *s);
char *sim_strfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool str_ieq(const char *a, const char *b);
bool str_eq(const char *a, const char *b); /* NULL equals "" */

void guid_format(const GUID *g, char out[37]);
bool guid_parse(const char *s, GUID *g);
bool guid_eq(const GUID *a, const GUID *b);
bool guid_is_null(const GUID *g);
/* The simulator's visible id scheme: KKKKKKKK-0000-0000-0000-NNNNNNNNNNNN. */
GUID guid_make(uint32_t kind, uint64_t n);

void *vec_push_(void **items, size_t *len, size_t *cap, size_t elem);
#define VEC_PUSH(items, len, cap) vec_push_((void **)&(items), &(len), &(cap), sizeof(*(items)))

#endif
