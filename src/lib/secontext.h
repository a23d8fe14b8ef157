/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * secontext.h: the SELinux self-check of untosh, irssius and ngircdus.
 * Each refuses to run unless SELinux is on, enforcing, and it runs in the
 * context it was built for. Header only (static functions), so that the
 * patched upstream programs take it with one #include and no build change.
 *
 * The state comes from the kernel's own files, no library: the enforce
 * flag from selinuxfs (absent: SELinux is disabled or not mounted) and the
 * context from /proc/thread-self/attr/current. The decision is
 * secontext_decide(), free of side effects, tested through untosh -C and
 * src/lib/secontext-test.
 *
 * Build-time knobs, never run-time ones:
 *   SECONTEXT_PERMISSIVE_OK  a test image's binaries also accept
 *                            permissive mode (never disabled SELinux).
 *   SECONTEXT_SKIP           host test builds only, on machines without
 *                            SELinux: the check is not made at all.
 */
#ifndef SECONTEXT_H
#define SECONTEXT_H

#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

/* user:role:type each program must run as; the level is not compared
 * (the chat users' sessions and the services run at s0). */
#define SECONTEXT_UNTOSH	"untochat_u:untochat_r:untochat_t"
#define SECONTEXT_IRSSIUS	"untochat_u:untochat_r:irssius_t"
#define SECONTEXT_NGIRCDUS	"system_u:system_r:ngircdus_t"

#define SECONTEXT_ENFORCE	"/sys/fs/selinux/enforce"
#define SECONTEXT_CURRENT	"/proc/thread-self/attr/current"
#define SECONTEXT_MAX		256

#ifndef SECONTEXT_PERMISSIVE_OK
#define SECONTEXT_PERMISSIVE_OK	0
#endif

/* The mode as read from selinuxfs. */
enum semode { SEMODE_DISABLED, SEMODE_PERMISSIVE, SEMODE_ENFORCING };

/* NULL if a program that wants context `want` may run, else why not.
 * `cur` is the full context (user:role:type:level) or NULL if unknown. */
static inline const char *
secontext_decide(enum semode mode, const char *cur, const char *want,
    int permissive_ok)
{
	size_t n = strlen(want);

	if (mode == SEMODE_DISABLED)
		return "SELinux is disabled";
	if (mode == SEMODE_PERMISSIVE && !permissive_ok)
		return "SELinux is not enforcing";
	if (cur == NULL || *cur == '\0')
		return "cannot read the SELinux context";
	/* Exactly user:role:type, then the level (or nothing). */
	if (strncmp(cur, want, n) != 0 || (cur[n] != ':' && cur[n] != '\0'))
		return "wrong SELinux context";
	return NULL;
}

/* Reads a small kernel file into buf (NUL-terminated, trailing NULs and
 * newlines removed). -1 if it cannot be read. */
static inline int
secontext_read(const char *path, char *buf, size_t cap)
{
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	r = read(fd, buf, cap - 1);
	close(fd);
	if (r <= 0)
		return -1;
	while (r > 0 && (buf[r - 1] == '\0' || buf[r - 1] == '\n'))
		r--;
	buf[r] = '\0';
	return 0;
}

/* The live state: the mode from selinuxfs, the context into cur ("" if
 * it cannot be read). */
static inline enum semode
secontext_state(char *cur, size_t cap)
{
	char e[4];

	if (secontext_read(SECONTEXT_CURRENT, cur, cap) == -1)
		cur[0] = '\0';
	if (secontext_read(SECONTEXT_ENFORCE, e, sizeof(e)) == -1)
		return SEMODE_DISABLED;
	if (strcmp(e, "1") == 0)
		return SEMODE_ENFORCING;
	if (strcmp(e, "0") == 0)
		return SEMODE_PERMISSIVE;
	return SEMODE_DISABLED;
}

/* The live check: NULL if this process may run as `want`, else why not. */
static inline const char *
secontext_check(const char *want)
{
#ifdef SECONTEXT_SKIP
	(void)want;
	return NULL;
#else
	static char cur[SECONTEXT_MAX];
	enum semode mode = secontext_state(cur, sizeof(cur));

	return secontext_decide(mode, cur, want, SECONTEXT_PERMISSIVE_OK);
#endif
}

#endif
