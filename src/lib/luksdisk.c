/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * luksdisk: finds the LUKS volumes of the boot disk and how far their
 * headers and key material reach. Everything is read from the disk and
 * sysfs; nothing about the layout is assumed.
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

#include "luksdisk.h"

#define JSON_DEPTH	16

static const unsigned char magic1[6] = { 'L', 'U', 'K', 'S', 0xba, 0xbe };
static const unsigned char magic2[6] = { 'S', 'K', 'U', 'L', 0xba, 0xbe };

static uint64_t
be(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | *p++;
	return v;
}

/* A small JSON reader that knows just the LUKS2 keys we need. */
struct json {
	const char	*p, *end;
	const char	*key[JSON_DEPTH];	/* path of keys to here */
	size_t		 klen[JSON_DEPTH];
	int		 depth;
	uint64_t	 seg_min, area_end, ks_size;
	uint64_t	 area_off, area_size;
	int		 nseg;
};

static void
skip_ws(struct json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

/* A string; sets *s and *n to its raw contents (escapes left as they are). */
static int
json_string(struct json *j, const char **s, size_t *n)
{
	if (j->p >= j->end || *j->p != '"')
		return -1;
	*s = ++j->p;
	while (j->p < j->end && *j->p != '"') {
		if (*j->p == '\\' && ++j->p >= j->end)
			return -1;
		j->p++;
	}
	if (j->p >= j->end)
		return -1;
	*n = (size_t)(j->p - *s);
	j->p++;
	return 0;
}

static int
is_key(const struct json *j, int i, const char *k)
{
	return i < j->depth && j->klen[i] == strlen(k) &&
	    memcmp(j->key[i], k, j->klen[i]) == 0;
}

static int
decimal(const char *s, size_t n, uint64_t *v)
{
	size_t i;

	if (n == 0 || n > 19)
		return -1;
	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return 0;
}

/* A string value at the current path: keep what matters. */
static int
json_leaf(struct json *j, const char *s, size_t n)
{
	uint64_t v;

	if (j->depth == 3 && is_key(j, 0, "segments") && is_key(j, 2, "offset")) {
		if (decimal(s, n, &v) == -1)
			return -1;
		if (j->nseg++ == 0 || v < j->seg_min)
			j->seg_min = v;
	} else if (j->depth == 4 && is_key(j, 0, "keyslots") &&
	    is_key(j, 2, "area") && (is_key(j, 3, "offset") ||
	    is_key(j, 3, "size"))) {
		if (decimal(s, n, &v) == -1)
			return -1;
		if (is_key(j, 3, "offset"))
			j->area_off = v;
		else
			j->area_size = v;
	} else if (j->depth == 2 && is_key(j, 0, "config") &&
	    is_key(j, 1, "keyslots_size")) {
		if (decimal(s, n, &j->ks_size) == -1)
			return -1;
	}
	return 0;
}

static int	json_value(struct json *);

/* json_member: the value of key K (LEN bytes) at the next depth. */
static int
json_member(struct json *j, const char *k, size_t len)
{
	if (j->depth == JSON_DEPTH)
		return -1;
	j->key[j->depth] = k;
	j->klen[j->depth++] = len;
	if (json_value(j) == -1)
		return -1;
	j->depth--;
	return 0;
}

/* json_next: after a member, 1 for a comma (another follows), 0 for the
 * closing CLOSE, -1 for anything else. */
static int
json_next(struct json *j, char close)
{
	skip_ws(j);
	if (j->p < j->end && *j->p == ',') {
		j->p++;
		return 1;
	}
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return 0;
	}
	return -1;
}

static int
json_object(struct json *j)
{
	const char *k;
	size_t n;
	int area, r;

	area = j->depth == 3 && is_key(j, 0, "keyslots") && is_key(j, 2, "area");
	if (area)
		j->area_off = j->area_size = 0;
	j->p++;
	skip_ws(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		return 0;
	}
	do {
		skip_ws(j);
		if (json_string(j, &k, &n) == -1)
			return -1;
		skip_ws(j);
		if (j->p >= j->end || *j->p++ != ':' ||
		    json_member(j, k, n) == -1)
			return -1;
	} while ((r = json_next(j, '}')) == 1);
	if (r == -1)
		return -1;
	if (area) {
		if (j->area_off > UINT64_MAX - j->area_size)
			return -1;
		if (j->area_off + j->area_size > j->area_end)
			j->area_end = j->area_off + j->area_size;
	}
	return 0;
}

static int
json_array(struct json *j)
{
	int r;

	j->p++;
	skip_ws(j);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		return 0;
	}
	/* Array elements carry no key: mark them with an empty one. */
	do {
		if (json_member(j, "", 0) == -1)
			return -1;
	} while ((r = json_next(j, ']')) == 1);
	return r;
}

static int
json_value(struct json *j)
{
	const char *s;
	size_t n;

	skip_ws(j);
	if (j->p >= j->end)
		return -1;
	switch (*j->p) {
	case '{':
		return json_object(j);
	case '[':
		return json_array(j);
	case '"':
		if (json_string(j, &s, &n) == -1)
			return -1;
		return json_leaf(j, s, n);
	default:
		/* numbers, true, false, null: nothing we need */
		for (n = 0; j->p + n < j->end &&
		    strchr("0123456789+-.eEtruefalsn", j->p[n]) != NULL &&
		    j->p[n] != '\0'; n++)
			;
		if (n == 0)
			return -1;
		j->p += n;
		return 0;
	}
}

/* One LUKS2 header copy at BUF (hdr_size bytes checked by the caller). */
static unsigned int
luks2_extent(const unsigned char *buf, uint64_t hdr_size, uint64_t *end)
{
	struct json j;
	uint64_t e;

	memset(&j, 0, sizeof(j));
	j.p = (const char *)buf + 4096;
	j.end = (const char *)buf + hdr_size;
	/* The JSON text ends at the first NUL of its area. */
	j.end = j.p + strnlen(j.p, (size_t)(j.end - j.p));
	skip_ws(&j);
	if (j.p >= j.end || *j.p != '{' || json_object(&j) == -1 ||
	    j.nseg == 0)
		return 0;
	e = 2 * hdr_size + j.ks_size;
	if (j.area_end > e)
		e = j.area_end;
	if (j.seg_min > e)
		e = j.seg_min;
	*end = e;
	return 2;
}

static unsigned int
luks1_extent(const unsigned char *buf, size_t len, uint64_t *end)
{
	uint64_t e, km, keybytes, stripes;
	int i;

	if (len < 592)
		return 0;
	e = be(buf + 104, 4) * 512;
	keybytes = be(buf + 108, 4);
	if (keybytes == 0 || keybytes > 512)
		return 0;
	for (i = 0; i < 8; i++) {
		const unsigned char *ks = buf + 208 + 48 * i;

		stripes = be(ks + 44, 4);
		if (stripes > 1000000)
			return 0;
		km = be(ks + 40, 4) * 512 + (keybytes * stripes + 511) / 512 * 512;
		if (km > e)
			e = km;
	}
	*end = e;
	return 1;
}

unsigned int
luks_extent(const unsigned char *buf, size_t len, uint64_t *end)
{
	uint64_t hdr_size, off;

	if (len >= 8 && memcmp(buf, magic1, 6) == 0 && be(buf + 6, 2) == 1)
		return luks1_extent(buf, len, end);
	/* LUKS2: the primary copy at 0, or else a secondary one at one of
	 * the offsets the format allows (16 KiB ... 4 MiB). */
	for (off = 0; off <= LUKS_HDR_MAX; off = off == 0 ? 16384 : off * 2) {
		const unsigned char *h = buf + off;

		if (off + 4096 > len)
			break;
		if (memcmp(h, off == 0 ? magic1 : magic2, 6) != 0 ||
		    be(h + 6, 2) != 2)
			continue;
		hdr_size = be(h + 8, 8);
		if (hdr_size < 16384 || hdr_size > LUKS_HDR_MAX ||
		    (hdr_size & (hdr_size - 1)) != 0 || off + hdr_size > len)
			continue;
		if (off != 0 && off != hdr_size)
			continue;
		if (luks2_extent(h, hdr_size, end) == 2)
			return 2;
	}
	return 0;
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
	static unsigned char buf[LUKS_HDR_MAX * 2];
	ssize_t n = 0;
	size_t got = 0;
	off_t size;
	int fd;

	memset(d, 0, sizeof(*d));
	if (snprintf(d->path, sizeof(d->path), "%s", path) >=
	    (int)sizeof(d->path))
		return -1;
	d->wipe_end = LUKS_UNKNOWN_WIPE;
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
	if ((d->version = luks_extent(buf, got, &d->wipe_end)) != 0)
		return 0;
	return any_magic(buf, got) ? 1 : -1;
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
