/*
 * Where zcviz finds its programs and the lab script. See paths.h.
 */
#include "paths.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The directory of zcviz's own executable. */
static int paths_self(char *dir, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	snprintf(dir, len, "%s", exe);
	return 0;
}

void paths_lab(const char *dir, char *path, size_t len)
{
	char lab[PATH_MAX + 32], real[PATH_MAX];

	snprintf(lab, sizeof(lab), "%s/lab.sh", dir);
	if (access(lab, F_OK))
		snprintf(lab, sizeof(lab), "%s/../demos/lab.sh", dir);
	snprintf(path, len, "%s", realpath(lab, real) ? real : lab);
}

/* Has the directory a lab script, that we may run? */
static int paths_has_lab(const char *dir)
{
	char lab[PATH_MAX];

	paths_lab(dir, lab, sizeof(lab));
	return !access(lab, X_OK);
}

int paths_programs(char *dir, size_t len)
{
	char self[PATH_MAX], installed[PATH_MAX + 32], real[PATH_MAX];

	if (paths_self(self, sizeof(self)))
		return -1;
	snprintf(installed, sizeof(installed), "%s/%s", self, PATHS_INSTALLED);
	if (!paths_has_lab(self) && realpath(installed, real) &&
	    paths_has_lab(real))
		snprintf(dir, len, "%s", real);
	else
		snprintf(dir, len, "%s", self);
	return 0;
}

void paths_print(FILE *f)
{
	char dir[PATH_MAX], lab[PATH_MAX];

	if (paths_programs(dir, sizeof(dir))) {
		fprintf(stderr,
			"zcviz: cannot find where zcviz is installed\n");
		return;
	}
	paths_lab(dir, lab, sizeof(lab));
	fprintf(f, "programs\t%s\nlab\t%s\n", dir, lab);
}
