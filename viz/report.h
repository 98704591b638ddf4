/* --report (a readable table) and --json (docs/contracts.md, "The JSON of a
 * run"). */
#ifndef ZC_REPORT_H
#define ZC_REPORT_H

#include <stdio.h>

#include "model.h"
#include "run.h"

void report_text(FILE *f, const struct run_config *cfg,
		 const struct run_result *res, const struct model_result *m);
void report_json(FILE *f, const struct run_config *cfg,
		 const struct run_result *res, const struct model_result *m);

/* The comparison table after `all`: one row per demo that ran. */
void report_compare(FILE *f, const struct run_result res[],
		    const struct model_result m[], int n);

#endif /* ZC_REPORT_H */
