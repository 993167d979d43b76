/* version.h - harden's version: printed by --version, written into reports */
#ifndef HD_VERSION_H
#define HD_VERSION_H

#define HARDEN_VERSION "0.1.0"

#endif
