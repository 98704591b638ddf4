/*
 * Where zcviz finds what it runs: the demos' programs (zc-sink, zc-NAME)
 * and the lab script. As built (make), the programs are beside zcviz in
 * build/ and the script is demos/lab.sh; as installed (make install),
 * both are in PATHS_INSTALLED, from zcviz's own directory (the Makefile
 * installs them there: $(PREFIX)/libexec/zerocopy-lab).
 */
#ifndef ZC_PATHS_H
#define ZC_PATHS_H

#include <stddef.h>
#include <stdio.h>

#define PATHS_INSTALLED "../libexec/zerocopy-lab"

/*
 * The programs' directory, as built and else as installed, whichever has
 * a lab script; with neither, as built (what a message then names). -1
 * when zcviz cannot tell where it is itself.
 */
int paths_programs(char *dir, size_t len);
/* The lab script for the programs in dir: beside them (installed), or in
 * demos/ beside their directory (built). */
void paths_lab(const char *dir, char *path, size_t len);
/* --paths: the two, a line each, "programs\tDIR" and "lab\tPATH". */
void paths_print(FILE *f);

#endif /* ZC_PATHS_H */
