/* SPDX-License-Identifier: GPL-2.0-or-later */
/* luksdisk: the LUKS volumes of the boot disk, and how far each one's
 * header and key material reach. Shared by untochat-kill-system and the
 * passphrase tools; libcryptsetup reads the headers. */
#include <stddef.h>
#include <stdint.h>

#define LUKS_MAX	8	/* volumes on one disk we handle */
#define LUKS_HDR_MAX	(4 * 1024 * 1024)	/* LUKS2 allows up to 4 MiB */

#define LUKS_UNKNOWN_WIPE (16 * 1024 * 1024)	/* unreadable: wipe this much */

struct luksdev {
	char		 path[64];	/* /dev/vda3 */
	unsigned int	 version;	/* 1 or 2; 0: unreadable or damaged */
	uint64_t	 wipe_end;	/* headers and keyslots lie below */
};

/* boot_disk_luks: finds the disk that holds "/" (through its device-mapper
 * stack) and fills DEVS with its partitions that carry a LUKS header, and
 * those that could not be read or hold a LUKS magic but no header that
 * parses (version 0, wipe_end LUKS_UNKNOWN_WIPE or the partition's size:
 * whoever destroys headers must treat them as holding one). Returns how
 * many, or -1 with a message in ERR. */
int		boot_disk_luks(struct luksdev *devs, size_t max, char *err,
		    size_t errlen);

/* luks_magic: 1 if P (6 bytes or more) starts a LUKS header copy. */
int		luks_magic(const unsigned char *p);

/* luks_probe: reads PATH's header; fills *D. 0 if LUKS, -1 if not (the
 * start reads, and holds no LUKS magic where a header copy may begin),
 * 1 if PATH cannot be read or holds a magic without a header
 * libcryptsetup reads (*D: version 0, wipe_end as boot_disk_luks says).
 * With metadata locking on (libcryptsetup's default), a LUKS2 header with
 * one damaged copy is repaired from the other as it is read; whoever must
 * not write calls crypt_metadata_locking(NULL, 0) first. */
int		luks_probe(const char *path, struct luksdev *d);
