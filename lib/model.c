/* The compiled policy: lookups and freeing. */
#include "model.h"

#include <stdlib.h>
#include <string.h>

const bx_class *bx_policy_class(const bx_policy *p, const char *name)
{
	if (!p || !name)
		return NULL;
	for (size_t i = 0; i < p->nclasses; i++)
		if (strcmp(p->classes[i].name, name) == 0)
			return &p->classes[i];
	return NULL;
}

void bx_settings_free(bx_settings *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].file);
		free(s->v[i].key);
		free(s->v[i].value);
		free(s->v[i].ypath);
	}
	free(s->v);
	*s = (bx_settings){0};
}

void bx_policy_free(bx_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nclasses; i++) {
		free(p->classes[i].name);
		free(p->classes[i].description);
		bx_settings_free(&p->classes[i].box);
		bx_settings_free(&p->classes[i].slice);
		for (size_t k = 0; k < p->classes[i].nopen; k++)
			free(p->classes[i].open[k].ypath);
		free(p->classes[i].open);
	}
	free(p->classes);
	for (size_t i = 0; i < p->nboxes; i++) {
		free(p->boxes[i].id);
		free(p->boxes[i].class_name);
	}
	free(p->boxes);
	for (size_t i = 0; i < p->nfiles; i++) {
		free(p->files[i]);
		if (p->texts)
			free(p->texts[i]);
	}
	free(p->texts);
	free(p->files);
	free(p->root);
	free(p);
}
