#!/bin/sh
# Copy $BACKUP_SRC to $BACKUP_DEST with rsync and check the copy.
set -eu
mkdir -p "$BACKUP_DEST"
rsync -a "$BACKUP_SRC/" "$BACKUP_DEST/"
# the seed tarball was ADDed, so it must have been extracted
test -f "$BACKUP_DEST/customers.csv"
cmp "$BACKUP_SRC/customers.csv" "$BACKUP_DEST/customers.csv"
echo "backup ok: $(find "$BACKUP_DEST" -type f | wc -l) files uid=$(id -u) gid=$(id -g)"
