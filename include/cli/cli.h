/* cli.h - command entry points and exit codes */
#ifndef HD_CLI_H
#define HD_CLI_H

#include "version.h"

enum hd_exit {
	HD_EXIT_OK = 0,	     /* success, or nothing to change */
	HD_EXIT_CHANGED = 1, /* --check: some file would change */
	HD_EXIT_ERROR = 2,   /* usage, parse, verification or I/O error */
};

int cmd_edit(int argc, char **argv);
int cmd_harden(int argc, char **argv);

#endif
