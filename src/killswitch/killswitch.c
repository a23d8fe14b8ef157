/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * untochat-kill-system: destroys the LUKS headers and key material of every
 * encrypted volume on the boot disk, checks that none is left, and powers
 * the machine off at once. Without them no passphrase opens the disk again.
 *
 * Once confirmed it must finish even if the ssh session that started it
 * dies and the disk it runs from turns to noise: all symbols are bound at
 * start (-z now), it locks itself and its libraries in memory at once,
 * blocks every signal, leaves the terminal's session, opens every device
 * before it writes, and touches no file after.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/reboot.h>
#include <sys/wait.h>

#include <linux/fs.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/luksdisk.h"

#define ROUNDS	3			/* overwrites of each header area */
#define CHUNK	(1024 * 1024)

static unsigned char buf[CHUNK] __attribute__((aligned(4096)));

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
#ifdef KILLSWITCH_TEST
	    "usage: killswitch-test [--yes] FILE...\n"
#else
	    "usage: untochat-kill-system [--yes]\n"
#endif
	    "Destroys the LUKS headers of every encrypted volume of this "
	    "machine and powers it off.\n"
	    "All data on the disk is lost for ever. See untochat-kill-system(8).\n");
	exit(status);
}

/* Progress on the terminal. The terminal may be gone: errors are ignored. */
static void
say(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	(void)!write(STDOUT_FILENO, line, (size_t)n);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One answer: only "y" goes on. */
static int
confirm(const char *question)
{
	char answer[16];

	fputs(question, stdout);
	fflush(stdout);
	if (fgets(answer, sizeof(answer), stdin) == NULL)
		return 0;
	return strcmp(answer, "y\n") == 0 || strcmp(answer, "y") == 0;
}

static void
fill_random(unsigned char *p, size_t n)
{
	ssize_t r;

	while (n > 0) {
		r = getrandom(p, n, 0);
		if (r <= 0)
			continue;	/* EINTR cannot happen: signals blocked */
		p += r;
		n -= (size_t)r;
	}
}

/* Overwrites [0, end) of FD with fresh random data and flushes it. */
static int
overwrite(int fd, uint64_t end)
{
	uint64_t off;
	size_t n;
	ssize_t w;

	for (off = 0; off < end; off += n) {
		n = end - off < CHUNK ? (size_t)(end - off) : CHUNK;
		fill_random(buf, n);
		if ((w = pwrite(fd, buf, n, (off_t)off)) < 0)
			return -1;
		n = (size_t)w;
		if (n == 0)
			return -1;
	}
	return fdatasync(fd);
}

/* Reads [0, end) back from the device (not the page cache) and looks for
 * a LUKS header magic at every 512-byte boundary. 0: none left. */
static int
verify(int fd, uint64_t end)
{
	uint64_t off;
	size_t n, i;
	ssize_t r;

	if (ioctl(fd, BLKFLSBUF, 0) == -1)
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	for (off = 0; off < end; off += n) {
		n = end - off < CHUNK ? (size_t)(end - off) : CHUNK;
		if ((r = pread(fd, buf, n, (off_t)off)) <= 0)
			return -1;
		n = (size_t)r;
		for (i = 0; i + 6 <= n; i += 512)
			if (luks_magic(buf + i))
				return -1;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	static struct luksdev devs[LUKS_MAX];
	static int fds[LUKS_MAX];
#ifndef KILLSWITCH_TEST
	char why[256];
#endif
	sigset_t all;
	double t0, t;
	int i, n, r, status, yes = 0, bad;
	pid_t pid;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0))
		usage(0);
	if (argc >= 2 && strcmp(argv[1], "--yes") == 0) {
		yes = 1;
		argc--;
		argv++;
	}
	if (geteuid() != 0)
		errx(1, "must run as root (sudo)");
	/* Every page of the program and its libraries, now and later. */
	if (mlockall(MCL_CURRENT | MCL_FUTURE) == -1)
		warn("cannot lock into memory");
#ifdef KILLSWITCH_TEST
	/* Test build: the "volumes" are the files named, no power-off. */
	if (argc < 2 || argc - 1 > LUKS_MAX)
		usage(2);
	for (n = 0; n < argc - 1; n++)
		if (luks_probe(argv[n + 1], &devs[n]) == -1)
			errx(1, "%s: no LUKS header", argv[n + 1]);
#else
	if (argc != 1)
		usage(2);
	if ((n = boot_disk_luks(devs, LUKS_MAX, why, sizeof(why))) == -1)
		errx(1, "%s; nothing was changed", why);
#endif
	printf("This machine's encrypted volumes:\n");
	for (i = 0; i < n; i++) {
		if ((fds[i] = open(devs[i].path, O_RDWR | O_CLOEXEC)) == -1)
			err(1, "%s; nothing was changed", devs[i].path);
		printf("  %s  LUKS%u, header and keyslots in the first %llu KiB\n",
		    devs[i].path, devs[i].version,
		    (unsigned long long)(devs[i].wipe_end / 1024));
	}
	if (!yes && (!confirm("Destroy the keys of all of them? Every byte on "
	    "the disk is lost for ever, and the machine powers off. [y/N] ") ||
	    !confirm("Really destroy everything now? [y/N] "))) {
		printf("aborted: nothing was changed\n");
		return 1;
	}
	fflush(stdout);

	/* From here on nothing stops it. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	/* A child in a session of its own does the work: a hangup of the
	 * terminal reaches neither, and killing the parent does not stop it. */
	if ((pid = fork()) > 0) {
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
	}
	(void)setsid();

	t0 = now();
	for (r = 1; r <= ROUNDS; r++)
		for (i = 0; i < n; i++) {
			t = now();
			if (overwrite(fds[i], devs[i].wipe_end) == -1)
				say("round %d/%d: %s: write failed: %s\n", r,
				    ROUNDS, devs[i].path, strerror(errno));
			else
				say("round %d/%d: %s: %llu KiB of random data "
				    "written and flushed (%.1f s)\n", r, ROUNDS,
				    devs[i].path, (unsigned long long)
				    (devs[i].wipe_end / 1024), now() - t);
		}
	bad = 0;
	for (i = 0; i < n; i++) {
		if (verify(fds[i], devs[i].wipe_end) == 0) {
			say("%s: read back, no LUKS header left\n", devs[i].path);
			continue;
		}
		say("%s: a LUKS header is still readable: overwriting again\n",
		    devs[i].path);
		if (overwrite(fds[i], devs[i].wipe_end) == 0 &&
		    verify(fds[i], devs[i].wipe_end) == 0) {
			say("%s: read back, no LUKS header left\n", devs[i].path);
			continue;
		}
		say("%s: FAILED: a header may remain\n", devs[i].path);
		bad = 1;
	}
	say("destroyed in %.1f s\n", now() - t0);
#ifdef KILLSWITCH_TEST
	say("test build: not powering off\n");
	return bad;
#else
	say(bad ? "powering off now, though a header may remain\n" :
	    "powering off now\n");
	(void)reboot(RB_POWER_OFF);
	say("power-off failed: %s; halting\n", strerror(errno));
	(void)reboot((int)RB_HALT_SYSTEM);
	return 1;
#endif
}
