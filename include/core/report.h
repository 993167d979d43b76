/* report.h - findings of a run as JSON, SARIF 2.1.0 or a Markdown PR body */
#ifndef HD_REPORT_H
#define HD_REPORT_H

#include <stdio.h>

#include "process.h"

#define HD_REPORT_VERSION 1

/*
 * Write the report of @n results in @cli->format (not HD_FMT_TEXT) to @fp;
 * the mode (-i: fixes written) decides what is still wrong.
 */
void hd_report_write(FILE *fp, const struct hd_cli *cli, struct hd_result *const *res, size_t n);

#endif
