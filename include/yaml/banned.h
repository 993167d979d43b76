/* banned.h - C library functions harden must not call, as macros that break the build */
#ifndef HD_BANNED_H
#define HD_BANNED_H

/*
 * Like git's banned.h: each of these either writes without a bound
 * (strcpy, strcat, sprintf, vsprintf, gets), truncates without a NUL or a
 * word (strncpy, strncat), keeps hidden state shared between threads
 * (strtok, gmtime, localtime, ctime, asctime) or cannot report an error
 * (atoi, atol, atoll).  Use memcpy with a checked length, snprintf,
 * hd_arena_printf, strtok_r, *_r time functions and strtol with an end
 * pointer instead.  A call expands to an undeclared identifier that names
 * the function, so the compiler says which one is banned.
 *
 * Include this only after the system headers that declare these functions
 * (common.h does so), or their prototypes would expand too.
 */
#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef strtok
#define strtok(x, y) BANNED(strtok)

#undef sprintf
#undef vsprintf
#define sprintf(...)  BANNED(sprintf)
#define vsprintf(...) BANNED(vsprintf)
#undef gets
#define gets(x) BANNED(gets)

#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef atoll
#define atoll(x) BANNED(atoll)

#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)
#undef ctime
#define ctime(t) BANNED(ctime)
#undef asctime
#define asctime(t) BANNED(asctime)

#endif
