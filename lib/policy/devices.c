/* io.devices: per-device io.max limits and io.weight. A device is
 * "MAJ:MIN" or a path that stat() resolves to a block device on this
 * host; a path that does not resolve is an error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/util.h"
#include "policy/front.h"
#include "policy/names.h"

/* dev_t as the kernel splits it: 12-bit major, 20-bit minor. */
#define MAJOR_MAX 4095u
#define MINOR_MAX 1048575u

static bool parse_majmin(const char *s, unsigned *maj, unsigned *min)
{
	unsigned long v[2];
	const char *p = s;
	for (int i = 0; i < 2; i++) {
		if (*p < '0' || *p > '9')
			return false;
		v[i] = 0;
		while (*p >= '0' && *p <= '9') {
			v[i] = v[i] * 10 + (unsigned long)(*p++ - '0');
			if (v[i] > MINOR_MAX)
				return false;
		}
		if (i == 0 && *p++ != ':')
			return false;
	}
	if (*p || v[0] > MAJOR_MAX)
		return false;
	*maj = (unsigned)v[0];
	*min = (unsigned)v[1];
	return true;
}

static bool device_value(bx_front *f, const bx_ynode *v, bx_dev *d)
{
	char s[BX_SHOW_MAX];
	if (v->kind == BX_Y_BAD)
		return false;
	if (v->kind != BX_Y_SCALAR || bx_ynull(v)) {
		bx_ferr(f, v, "device: expected \"MAJ:MIN\" or a /dev path, got %s", bx_ydescribe(v));
		return false;
	}
	const char *t = v->u.s;
	if (t[0] == '/') {
		struct stat st;
		if (stat(t, &st) < 0) {
			bx_ferr(f, v, "device '%s': %s", bx_yshow(v, s), strerror(errno));
			return false;
		}
		if (!S_ISBLK(st.st_mode)) {
			bx_ferr(f, v, "device '%s' is not a block device", bx_yshow(v, s));
			return false;
		}
		d->maj = major(st.st_rdev);
		d->min = minor(st.st_rdev);
	} else if (!parse_majmin(t, &d->maj, &d->min)) {
		bx_ferr(f, v, "device: expected \"MAJ:MIN\" (such as \"8:0\", majors up to %u, minors up to %u) or a /dev path, got '%s'",
			MAJOR_MAX, MINOR_MAX, bx_yshow(v, s));
		return false;
	}
	char part[64];
	snprintf(part, sizeof part, "/sys/dev/block/%u:%u/partition", d->maj, d->min);
	if (access(part, F_OK) == 0) {
		bx_ferr(f, v, "device '%s' (%u:%u) is a partition; io limits apply to whole disks",
			bx_yshow(v, s), d->maj, d->min);
		return false;
	}
	return true;
}

static const char *const lim_names[BX_IO_NLIM] = { "rbps", "wbps", "riops", "wiops" };

/* weight, rbps, wbps, riops, wiops: typed and ranged by bx_device_knobs. */
static bool number_value(bx_front *f, const bx_knob *kn, const bx_ynode *v, bx_dev *d)
{
	char why[BX_WHY_MAX];
	if (v->kind == BX_Y_BAD)
		return false;
	if (v->kind != BX_Y_SCALAR || bx_ynull(v)) {
		bx_ferr(f, v, "%s: expected %s, got %s", kn->key,
			kn->type == BX_VT_SIZE ? "bytes per second (a size) or max"
			: kn->type == BX_VT_INT ? "an integer" : "an integer or max",
			bx_ydescribe(v));
		return false;
	}
	bx_qty q;
	int r = kn->type == BX_VT_SIZE
			? bx_unit_size(v->u.s, v->plain, false, &q, why)
			: bx_unit_int(v->u.s, v->plain, kn->type == BX_VT_INT_OR_MAX, kn->min, kn->max, &q, why);
	if (r < 0) {
		bx_ferr(f, v, "%s: %s", kn->key, why);
		return false;
	}
	if (kn->type == BX_VT_SIZE && q.kind == BX_Q_NUM && q.n < (uint64_t)kn->min) {
		bx_ferr(f, v, "%s: 0 is refused by the kernel; the least is 1 (byte per second)", kn->key);
		return false;
	}
	if (strcmp(kn->key, "weight") == 0) {
		d->has_weight = true;
		d->weight = q.i;
		d->weight_node = v;
		return true;
	}
	for (int i = 0; i < BX_IO_NLIM; i++) {
		if (strcmp(kn->key, lim_names[i]) == 0) {
			d->has_lim[i] = true;
			d->lim[i] = q;
		}
	}
	return true;
}

static const bx_knob *device_knob(const char *key)
{
	for (size_t i = 0; i < bx_ndevice_knobs; i++)
		if (strcmp(bx_device_knobs[i].key, key) == 0)
			return &bx_device_knobs[i];
	return NULL;
}

static const char *device_cand(const void *ctx, size_t i)
{
	(void)ctx;
	return bx_device_knobs[i].key;
}

static bool entry(bx_front *f, const bx_ynode *m, bx_dev *d)
{
	char s[BX_SHOW_MAX];
	if (m->kind == BX_Y_BAD)
		return false;
	if (m->kind != BX_Y_MAP) {
		bx_ferr(f, m, "io.devices: expected a mapping such as { device: \"8:0\", wbps: 10MiB }, got %s",
			bx_ydescribe(m));
		return false;
	}
	*d = (bx_dev){ .node = m };
	bool ok = true, has_device = false;
	for (size_t i = 0; i < m->n; i++) {
		const bx_ynode *k = bx_ymap_key(m, i), *v = bx_ymap_val(m, i);
		if (k->kind != BX_Y_SCALAR)
			continue;
		const bx_knob *kn = device_knob(k->u.s);
		if (!kn && bx_merge_key(f, k)) {
			ok = false;
		} else if (!kn) {
			const char *hint = bx_suggest(k->u.s, device_cand, NULL, bx_ndevice_knobs);
			if (hint)
				bx_ferr(f, k, "unknown key '%s' in a device (did you mean '%s'?)", bx_yshow(k, s), hint);
			else {
				char keys[128] = "";
				for (size_t j = 0; j < bx_ndevice_knobs; j++)
					snprintf(keys + strlen(keys), sizeof keys - strlen(keys), "%s%s",
						 j ? ", " : "", bx_device_knobs[j].key);
				bx_ferr(f, k, "unknown key '%s' in a device (keys: %s)", bx_yshow(k, s), keys);
			}
			ok = false;
		} else if (strcmp(kn->key, "device") == 0) {
			has_device = true;
			ok = device_value(f, v, d) && ok;
		} else {
			ok = number_value(f, kn, v, d) && ok;
		}
	}
	if (!has_device) {
		bx_ferr(f, m, "a device entry needs `device` (\"MAJ:MIN\" or a /dev path)");
		return false;
	}
	if (ok && !d->has_weight && !d->has_lim[0] && !d->has_lim[1] && !d->has_lim[2] && !d->has_lim[3])
		bx_fwarn(f, m, "device %u:%u sets no weight and no limit", d->maj, d->min);
	return ok;
}

bool bx_devices_parse(bx_front *f, const bx_ynode *seq, bx_val *out)
{
	if (bx_ynull(seq))
		return true; /* an empty list: no per-device settings */
	if (seq->kind != BX_Y_SEQ) {
		bx_ferr(f, seq, "io.devices: expected a sequence of devices, got %s", bx_ydescribe(seq));
		return false;
	}
	out->devs = bx_arena_array(&f->arena, seq->n ? seq->n : 1, sizeof *out->devs);
	if (!out->devs) {
		f->oom = true;
		return false;
	}
	bool ok = true;
	bx_strmap seen = {0};
	for (size_t i = 0; i < seq->n; i++) {
		bx_dev *d = &out->devs[out->ndevs];
		if (!entry(f, seq->u.kids[i], d)) {
			ok = false;
			continue;
		}
		/* the key is the device number, stored in the arena */
		uint64_t *key = bx_arena_alloc(&f->arena, sizeof *key);
		if (!key) {
			f->oom = true;
			break;
		}
		*key = (uint64_t)d->maj << 32 | d->min;
		uintptr_t first;
		int r = bx_strmap_put(&seen, key, sizeof *key, out->ndevs, &first);
		if (r < 0) {
			f->oom = true;
			break;
		}
		if (r == 0) {
			const bx_ynode *fn = out->devs[first].node;
			bx_ferr(f, d->node, "device %u:%u is listed twice (first at line %u, column %u)",
				d->maj, d->min, fn->line, fn->col);
			ok = false;
			continue;
		}
		out->ndevs++;
	}
	bx_strmap_free(&seen);
	return ok;
}
