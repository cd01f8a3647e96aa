/* Is systemd PID 1? The test sd_booted(3) makes, without the library. */
#include "systemd/sd.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

bool bx_sd_booted(void)
{
	const char *env = getenv("BOXCG_SYSTEMD");
	if (env && strcmp(env, "0") == 0)
		return false;
	struct stat st;
	return lstat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode);
}
