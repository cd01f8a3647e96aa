/* A plan's values for people: byte counts in binary units, cpu.max as
 * CPUs, the exact value beside whenever the short form rounds or does
 * not say it all ("7.2 GiB (7730937856)", "2 CPUs (200000 100000)").
 * What a short form would not make clearer ("max", "max 100000", small
 * numbers, weights, lists) reads as it is. */
#ifndef BX_PLAN_HUMAN_H
#define BX_PLAN_HUMAN_H

#include <stdbool.h>
#include <stddef.h>

#define BX_VALUE_HUMAN_MAX 96

/* true: buf holds how `value` of `file` reads for people (it names the
 * exact value wherever the short form differs); false: show value as it
 * is. */
bool bx_value_human(const char *file, const char *value, char *buf, size_t len);

#endif
