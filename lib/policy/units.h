/* Units of the policy language: sizes, durations, CPUs, integers, bools
 * and CPU lists. Pure functions of the text: on failure they write one
 * sentence into `why` (no key name; the caller prefixes it) and return -1.
 *
 * `plain` says the YAML scalar was written without quotes: integers and
 * bools must be plain (as in YAML and the JSON Schema); the other types
 * are strings anyway and accept both. */
#ifndef BX_POLICY_UNITS_H
#define BX_POLICY_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BX_WHY_MAX 256

typedef enum bx_qkind {
	BX_Q_NUM,     /* n (sizes: bytes) or i (integers) */
	BX_Q_MAX,     /* "max": unlimited */
	BX_Q_PERCENT, /* mant / 10^scale percent */
} bx_qkind;

typedef struct bx_qty {
	bx_qkind kind;
	uint64_t n;     /* sizes */
	int64_t i;      /* integers */
	uint64_t mant;  /* percent */
	unsigned scale;
} bx_qty;

/* A CPU amount: mant / 10^scale CPUs, or max. */
typedef struct bx_cpus {
	bool max;
	uint64_t mant;
	unsigned scale;
} bx_cpus;

/* The largest CPU or memory node number a list may name. */
#define BX_CPULIST_LIMIT 8192

/* size: bytes, K/M/G/T/P (1024-based), KiB…PiB, Ki…Pi, fractions with a
 * unit (1.5GiB, rounded down to whole bytes), or max; with percent_ok
 * also a percent 0%–100%. At most INT64_MAX bytes. */
int bx_unit_size(const char *s, bool plain, bool percent_ok, bx_qty *out, char *why);

/* duration: us, ms or s with fractions; a bare integer is µs. Whole µs,
 * at most INT64_MAX. */
int bx_unit_duration(const char *s, bool plain, int64_t *us, char *why);

/* CPUs: max, a number (1, 0.5), millicores ("1500m") or percent ("150%"). */
int bx_unit_cpus(const char *s, bool plain, bx_cpus *out, char *why);
/* quota = CPUs × period, rounded to the nearest µs; false on overflow. */
bool bx_cpus_quota(const bx_cpus *c, int64_t period_us, int64_t *quota_us);

/* integer in [lo, hi] (decimal, no leading zeros), or with max_ok "max". */
int bx_unit_int(const char *s, bool plain, bool max_ok, int64_t lo, int64_t hi, bx_qty *out,
		char *why);

/* true or false (also True/TRUE, False/FALSE), unquoted. */
int bx_unit_bool(const char *s, bool plain, bool *out, char *why);

/* "0-3,6": canonical form (sorted, merged, runs of two or more as a-b)
 * into *canon (malloc'd, caller frees); *highest is the largest number,
 * -1 for an empty list. */
int bx_unit_cpulist(const char *s, char **canon, long *highest, char *why);

/* The kernel's name of a huge page size ("2MB", "1GB", "64KB"). */
void bx_hugetlb_name(uint64_t bytes, char *buf, size_t len);
/* Parse a kernel huge page size name; -1 unless it is exactly the name
 * the kernel gives that size. */
int bx_hugetlb_parse(const char *s, uint64_t *bytes, char *why);

/* Format a byte count the short way for messages: "1GiB", "1.5GiB", "4097". */
void bx_fmt_bytes(uint64_t n, char *buf, size_t len);

/* Format µs the short way: "1s", "100ms", "1500us". */
void bx_fmt_us(int64_t us, char *buf, size_t len);

/* memory.* as the kernel reads it back: whole pages of `page` bytes, "max"
 * at or above the page counter's maximum (mm/page_counter.c). Caller
 * frees; NULL out of memory. */
char *bx_mem_canon(uint64_t bytes, uint64_t page);

/* percent × base / 100, rounded down; false on overflow. */
bool bx_percent_of(const bx_qty *q, uint64_t base, uint64_t *out);

/* ---- values a box sets for itself (own.c) ---------------------------- */

struct bx_knob;
struct bx_own_val;
/* May a class open this knob to its boxes? Scalar files whose value is a
 * size, CPUs or an integer. */
bool bx_own_openable(const struct bx_knob *k);
bool bx_own_is_size(const struct bx_knob *k);
/* Parse `s` with the knob's unit (no percents): 0, or -1 with `why`. */
int bx_own_parse(const struct bx_knob *k, const char *s, bool plain, struct bx_own_val *out,
		 char *why);
/* -1, 0, 1; max is above every number. */
int bx_own_cmp(const struct bx_own_val *a, const struct bx_own_val *b);
/* The value as text: exact and parseable again ("2147483648", "0.25",
 * "max"), or for messages (human: "2GiB"). */
void bx_own_format(const struct bx_knob *k, const struct bx_own_val *v, bool human, char *buf,
		   size_t len);

#endif
