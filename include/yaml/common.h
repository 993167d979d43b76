/* common.h - what every module of src/ (each layer) and transforms/ includes first: libc, then banned.h */
#ifndef HD_COMMON_H
#define HD_COMMON_H

/*
 * The headers declaring the banned functions come before banned.h, so a
 * later #include of them is a no-op (include guards) instead of a
 * prototype broken by the macros.  util.h and secrets.h include this
 * file, so every .c file gets it; `make check-includes` verifies that.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "banned.h"

#endif
