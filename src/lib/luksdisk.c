/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * luksdisk: finds the LUKS volumes of the boot disk and how far their
 * headers and key material reach. Everything is read from the disk and
 * sysfs; nothing about the layout is assumed. libcryptsetup reads the
 * headers; what is left here is a search for their magic, for headers it
 * cannot read.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libcryptsetup.h>

#include "luksdisk.h"

static const unsigned char magic1[6] = { 'L', 'U', 'K', 'S', 0xba, 0xbe };
static const unsigned char magic2[6] = { 'S', 'K', 'U', 'L', 0xba, 0xbe };

static void
quiet(int level, const char *msg, void *arg)
{
	(void)level;
	(void)msg;
	(void)arg;
}

/* libcryptsetup reads PATH's header. 0, the version and the end of every
 * header copy, keyslot area and the data offset; -1 if it reads none. */
static int
luks_header(const char *path, unsigned int *version, uint64_t *end)
{
	struct crypt_device *cd;
	const char *type;
	uint64_t e, md, ks, off, len;
	int k, max, r = -1;

	/* The default for every context, this one included. */
	crypt_set_log_callback(NULL, quiet, NULL);
	if (crypt_init(&cd, path) < 0)
		return -1;
	if (crypt_load(cd, CRYPT_LUKS, NULL) < 0 ||
	    (type = crypt_get_type(cd)) == NULL)
		goto out;
	*version = strcmp(type, CRYPT_LUKS1) == 0 ? 1 : 2;
	if ((e = crypt_get_data_offset(cd)) > UINT64_MAX / 512)
		goto out;
	e *= 512;
	/* Both LUKS2 header copies and the keyslots area; LUKS1 has one. */
	if (crypt_get_metadata_size(cd, &md, &ks) == 0 &&
	    md <= UINT64_MAX / 4 && ks <= UINT64_MAX / 2) {
		md = *version == 2 ? 2 * md + ks : md + ks;
		if (md > e)
			e = md;
	}
	/* Every keyslot's key material, also where it lies past the rest. */
	max = crypt_keyslot_max(type);
	for (k = 0; k < max; k++)
		if (crypt_keyslot_area(cd, k, &off, &len) == 0 &&
		    off <= UINT64_MAX - len && off + len > e)
			e = off + len;
	*end = e;
	r = 0;
out:
	crypt_free(cd);
	return r;
}

int
luks_magic(const unsigned char *p)
{
	return memcmp(p, magic1, sizeof(magic1)) == 0 ||
	    memcmp(p, magic2, sizeof(magic2)) == 0;
}

/* 1 if a LUKS magic starts where a header copy may: 0, or a secondary
 * header's offset (16 KiB ... 4 MiB). */
static int
any_magic(const unsigned char *buf, size_t len)
{
	uint64_t off;

	for (off = 0; off <= LUKS_HDR_MAX; off = off == 0 ? 16384 : off * 2)
		if (off + 6 <= len && luks_magic(buf + off))
			return 1;
	return 0;
}

int
luks_probe(const char *path, struct luksdev *d)
{
	static unsigned char buf[LUKS_HDR_MAX + 4096];
	ssize_t n = 0;
	size_t got = 0;
	off_t size;
	int fd;

	memset(d, 0, sizeof(*d));
	if (snprintf(d->path, sizeof(d->path), "%s", path) >=
	    (int)sizeof(d->path))
		return -1;
	d->wipe_end = LUKS_UNKNOWN_WIPE;
	/* Read first, ourselves: a volume that cannot be read is taken as
	 * holding a header, and one without a magic is no LUKS volume. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 1;
	if ((size = lseek(fd, 0, SEEK_END)) > 0 &&
	    (uint64_t)size < d->wipe_end)
		d->wipe_end = (uint64_t)size;
	while (got < sizeof(buf)) {
		n = pread(fd, buf + got, sizeof(buf) - got, (off_t)got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (n < 0)
		return 1;
	if (!any_magic(buf, got))
		return -1;
	if (luks_header(path, &d->version, &d->wipe_end) == 0)
		return 0;
	d->version = 0;
	return 1;
}

/* The whole disk under block device NAME (a partition or a dm device). */
static int
disk_of(const char *name, char *disk, size_t len, int depth)
{
	char path[PATH_MAX], real[PATH_MAX], *slash;
	struct dirent *de;
	DIR *dir;
	int r = -1;

	if (depth > 8)
		return -1;
	/* A stacked device (dm-crypt): follow its one slave down. */
	snprintf(path, sizeof(path), "/sys/class/block/%s/slaves", name);
	if ((dir = opendir(path)) != NULL) {
		while ((de = readdir(dir)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			r = disk_of(de->d_name, disk, len, depth + 1);
			break;
		}
		closedir(dir);
		if (r == 0)
			return 0;
	}
	/* A partition: its disk is the parent directory in sysfs. */
	snprintf(path, sizeof(path), "/sys/class/block/%s/partition", name);
	if (access(path, F_OK) == 0) {
		snprintf(path, sizeof(path), "/sys/class/block/%s", name);
		if (realpath(path, real) == NULL ||
		    (slash = strrchr(real, '/')) == NULL)
			return -1;
		*slash = '\0';
		if ((slash = strrchr(real, '/')) == NULL)
			return -1;
		return snprintf(disk, len, "%s", slash + 1) < (int)len ? 0 : -1;
	}
	return -1;
}

static int
by_path(const void *a, const void *b)
{
	return strcmp(((const struct luksdev *)a)->path,
	    ((const struct luksdev *)b)->path);
}

int
boot_disk_luks(struct luksdev *devs, size_t max, char *err, size_t errlen)
{
	char path[PATH_MAX], real[PATH_MAX], disk[NAME_MAX + 1], *name;
	struct luksdev d;
	struct dirent *de;
	struct stat sb;
	DIR *dir;
	size_t n = 0;

	if (stat("/", &sb) == -1) {
		snprintf(err, errlen, "stat /: %s", strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u",
	    major(sb.st_dev), minor(sb.st_dev));
	if (realpath(path, real) == NULL || (name = strrchr(real, '/')) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (disk_of(name + 1, disk, sizeof(disk), 0) == -1) {
		snprintf(err, errlen, "cannot find the disk under %s", name + 1);
		return -1;
	}
	snprintf(path, sizeof(path), "/sys/class/block/%s", disk);
	if ((dir = opendir(path)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(dir)) != NULL) {
		char part[PATH_MAX], dev[64];

		if (strncmp(de->d_name, disk, strlen(disk)) != 0)
			continue;
		if (snprintf(part, sizeof(part), "%s/%s/partition", path,
		    de->d_name) >= (int)sizeof(part) || access(part, F_OK) == -1)
			continue;
		if (snprintf(dev, sizeof(dev), "/dev/%s", de->d_name) >=
		    (int)sizeof(dev))
			continue;
		if (luks_probe(dev, &d) == -1)
			continue;	/* readable, no LUKS header */
		if (n == max) {
			closedir(dir);
			snprintf(err, errlen, "more than %zu LUKS volumes", max);
			return -1;
		}
		devs[n++] = d;
	}
	closedir(dir);
	if (n == 0) {
		snprintf(err, errlen, "no LUKS volume on /dev/%s", disk);
		return -1;
	}
	/* readdir order is arbitrary: sort by name for stable output. */
	qsort(devs, n, sizeof(devs[0]), by_path);
	return (int)n;
}
