/* The policy front end: load YAML files (or directories of *.yaml and *.yml files,
 * read in name order), validate against the schema and the kernel's rules,
 * resolve `extends` and `defaults`, and compile every value to the
 * kernel's canonical read-back form for the given host facts. */
#ifndef BX_POLICY_POLICY_H
#define BX_POLICY_POLICY_H

#include <stddef.h>

#include "core/diag.h"
#include "core/err.h"
#include "model.h"

/* Load `npaths` files or directories as one policy.
 *
 * Every problem in every file is appended to `diags` (errors and
 * warnings, each with file:line:col and YAML path); an unreadable file is
 * a diagnostic too. Returns 0 when loading ran: *out is the compiled
 * policy when diags->errors == 0, else NULL. Returns -1 with *err only for
 * runtime failures (out of memory). `facts` NULL means this host's
 * (bx_host_facts_probe). The language as implemented: docs/POLICY.md. */
int bx_policy_load(const char *const *paths, size_t npaths, const bx_host_facts *facts,
		   bx_policy **out, bx_diags *diags, bx_error **err);

/* The same, from one in-memory buffer named `name` (tests, fuzzing). */
int bx_policy_load_buffer(const char *name, const char *data, size_t len,
			  const bx_host_facts *facts, bx_policy **out, bx_diags *diags,
			  bx_error **err);

/* The same from `n` in-memory files (names[i], texts[i], NUL-terminated),
 * loaded in that order as one policy: a saved plan's policy. */
int bx_policy_load_texts(const char *const *names, const char *const *texts, size_t n,
			 const bx_host_facts *facts, bx_policy **out, bx_diags *diags,
			 bx_error **err);

/* Set *err to "the policy has no class "NAME"" with a "did you mean"
 * when a declared class is close to it; errnum `code` (no strerror in the
 * message). Returns -1. */
int bx_policy_no_class(const bx_policy *p, const char *name, int code, bx_error **err);

#endif
