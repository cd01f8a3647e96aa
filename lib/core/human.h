/* Numbers for people: byte counts in binary units and CPU amounts, the
 * one place that scales them (the plan's values, `box stats`, `top`,
 * `events`). Pure functions of the number. */
#ifndef BX_CORE_HUMAN_H
#define BX_CORE_HUMAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BX_HUMAN_MAX 48 /* enough for every form below; bx_human_bytes and
                         * bx_human_cpus write nothing into a smaller buf */

/* The largest binary unit not above v ("KiB" … "EiB"; "B" under 1024),
 * and v in that unit in *scaled. */
const char *bx_human_unit(uint64_t v, uint64_t *unit, double *scaled);

/* A byte count the observability way: "512B", "1.5KiB", "4.0GiB" (one
 * decimal, always: a column of figures reads evenly). */
void bx_human_bytes_1(uint64_t v, char *buf, size_t len);

/* A byte count as a plan shows it: "4 GiB", "1.5 GiB", "1952 KiB" when
 * that is exactly v (returns true); otherwise the nearest one-decimal
 * figure, "7.2 GiB" (returns false: the caller shows v beside it).
 * Under 1024: the plain number, exact. */
bool bx_human_bytes(uint64_t v, char *buf, size_t len);

/* quota/period CPUs: "2 CPUs", "1 CPU", "0.5 CPUs", "0.33 CPUs" (at most
 * two decimals; returns whether that is exact). period > 0. */
bool bx_human_cpus(uint64_t quota, uint64_t period, char *buf, size_t len);

#endif
