/* report.h - findings of a run as JSON, SARIF 2.1.0 or a Markdown PR body */
#ifndef HD_REPORT_H
#define HD_REPORT_H

#include <stdio.h>

#include "process.h"

#define HD_REPORT_VERSION 1

/* Write the report of @n results in @fmt (not HD_FMT_TEXT) to @fp. */
void hd_report_write(FILE *fp, enum hd_format fmt, struct hd_result *const *res,
		     size_t n);

#endif
