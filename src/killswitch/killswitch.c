/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * untochat-kill-system: destroys the LUKS headers and key material of every
 * encrypted volume on the boot disk, checks that none is left, and powers
 * the machine off at once. Without them no passphrase opens the disk again.
 *
 * Once confirmed (the second "y", or --yes at once) it must finish even if
 * the ssh session that started it dies and the disk it runs from turns to
 * noise: all symbols are bound at start (-z now), it locks itself and its
 * libraries in memory at once, blocks every signal, leaves the terminal's
 * session, opens every device before it writes, and touches no file
 * after. Then it wipes the volume keys from the kernel's dm-crypt tables
 * and powers off.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/reboot.h>
#include <sys/wait.h>

#include <linux/dm-ioctl.h>
#include <linux/fs.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libcryptsetup.h>

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

/*
 * The point of no return: every signal blocked, the terminal's output no
 * longer able to block us, and the work done by a child in a session of
 * its own (a hangup of the terminal reaches neither, and killing the
 * parent does not stop it). The parent only waits for the child's status.
 * A failed fork is reported, and the work goes on in this process.
 */
static void
commit(int *bad)
{
	sigset_t all;
	pid_t pid;
	int status, fl;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	fflush(stdout);
	if ((fl = fcntl(STDOUT_FILENO, F_GETFL)) != -1)
		(void)fcntl(STDOUT_FILENO, F_SETFL, fl | O_NONBLOCK);
	if ((pid = fork()) == -1) {
		say("fork failed (%s): going on without a session of its own\n",
		    strerror(errno));
		*bad = 1;
		return;
	}
	if (pid > 0) {
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
	}
	(void)setsid();
	/* Memory locks are not inherited across fork. */
	if (mlockall(MCL_CURRENT | MCL_FUTURE) == -1)
		say("cannot lock into memory: %s\n", strerror(errno));
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

#ifndef KILLSWITCH_TEST
/* One device-mapper ioctl on NAME (or on all devices, NAME NULL); the
 * answer is left in U. */
union dmbuf {
	struct dm_ioctl	io;
	unsigned char	buf[16384];
};

static int
dm(int ctl, unsigned long cmd, const char *name, uint32_t flags,
    const char *msg, union dmbuf *u)
{
	struct dm_target_msg *tm;

	memset(u, 0, sizeof(*u));
	u->io.version[0] = DM_VERSION_MAJOR;
	u->io.data_size = sizeof(*u);
	u->io.data_start = sizeof(struct dm_ioctl);
	u->io.flags = flags;
	if (name != NULL)
		snprintf(u->io.name, sizeof(u->io.name), "%s", name);
	if (msg != NULL) {
		tm = (struct dm_target_msg *)(u->buf + u->io.data_start);
		tm->sector = 0;
		snprintf(tm->message, sizeof(*u) - u->io.data_start -
		    sizeof(*tm), "%s", msg);
	}
	return ioctl(ctl, cmd, u);
}

/* 1 if NAME has a crypt target, 0 if not, -1 on error. Asks for the
 * status, not the table: a crypt table line would carry the key here. */
static int
is_crypt(int ctl, const char *name)
{
	static union dmbuf u;
	struct dm_target_spec *t;
	uint32_t i, off;

	if (dm(ctl, DM_TABLE_STATUS, name, 0, NULL, &u) == -1)
		return -1;
	for (i = 0, off = u.io.data_start; i < u.io.target_count; i++) {
		if (off + sizeof(*t) > u.io.data_size)
			return -1;
		t = (struct dm_target_spec *)(u.buf + off);
		if (strncmp(t->target_type, "crypt", sizeof(t->target_type)) == 0)
			return 1;
		if (t->next == 0)
			break;
		off = u.io.data_start + t->next;
	}
	return 0;
}

/*
 * Wipes the key of every dm-crypt device: suspended first (dm-crypt takes
 * the "key wipe" message only then, and no I/O can need the key after),
 * then the message, which replaces the key in the cipher. Without it the
 * volume keys stay in the kernel's memory until the power is gone.
 * Returns -1 if a device failed, or none was found.
 */
static int
wipe_keys(void)
{
	static union dmbuf list, u;
	static char names[64][DM_NAME_LEN];
	struct dm_name_list *nl;
	uint32_t off = 0;
	int ctl, i, n = 0, done = 0, bad = 0, c;

	if ((ctl = open("/dev/mapper/control", O_RDWR | O_CLOEXEC)) == -1 ||
	    dm(ctl, DM_LIST_DEVICES, NULL, 0, NULL, &list) == -1) {
		say("device-mapper: %s: volume keys NOT wiped\n", strerror(errno));
		return -1;
	}
	/* Names first: the list's buffer is reused below. */
	if (list.io.data_size > list.io.data_start)
		do {
			nl = (struct dm_name_list *)(list.buf + list.io.data_start + off);
			if (nl->dev != 0 && n < 64)
				snprintf(names[n++], DM_NAME_LEN, "%s", nl->name);
			off += nl->next;
		} while (nl->next != 0);
	for (i = 0; i < n; i++) {
		if ((c = is_crypt(ctl, names[i])) == 0)
			continue;
		if (c == -1 ||
		    dm(ctl, DM_DEV_SUSPEND, names[i], DM_SUSPEND_FLAG, NULL, &u) == -1 ||
		    dm(ctl, DM_TARGET_MSG, names[i], 0, "key wipe", &u) == -1) {
			say("%s: volume key NOT wiped: %s\n", names[i], strerror(errno));
			bad = 1;
			continue;
		}
		say("%s: suspended, volume key wiped from memory\n", names[i]);
		done++;
	}
	close(ctl);
	if (done == 0 && !bad)
		say("no dm-crypt volume open: no key to wipe\n");
	return bad || done == 0 ? -1 : 0;
}
#endif

int
main(int argc, char *argv[])
{
	static struct luksdev devs[LUKS_MAX];
	static int fds[LUKS_MAX];
#ifndef KILLSWITCH_TEST
	char why[256];
#endif
	double t0, t;
	int i, n, r, yes = 0, bad = 0, opened;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0))
		usage(0);
	if (argc >= 2 && strcmp(argv[1], "--yes") == 0) {
		yes = 1;
		argc--;
		argv++;
	}
#ifdef KILLSWITCH_TEST
	if (argc < 2 || argc - 1 > LUKS_MAX)
		usage(2);
#else
	if (argc != 1)
		usage(2);
#endif
	if (geteuid() != 0)
		errx(1, "must run as root (sudo)");
	/* Every page of the program and its libraries, now and later. */
	if (mlockall(MCL_CURRENT | MCL_FUTURE) == -1)
		warn("cannot lock into memory");
	/* Read the headers without writing: with its locks on, libcryptsetup
	 * repairs a damaged header copy as it reads it, and an answer "n"
	 * must leave the disk as it was. */
	(void)crypt_metadata_locking(NULL, 0);
	/* --yes is the confirmation: nothing may stop it from here. */
	if (yes)
		commit(&bad);
#ifdef KILLSWITCH_TEST
	/* Test build: the "volumes" are the files named, no power-off.
	 * KILLSWITCH_TEST_UNREADABLE names one whose reads are taken to
	 * fail (a disk error cannot be made on a file). */
	for (n = 0; n < argc - 1; n++) {
		const char *unreadable = getenv("KILLSWITCH_TEST_UNREADABLE");

		r = luks_probe(argv[n + 1], &devs[n]);
		if (unreadable != NULL && strcmp(unreadable, argv[n + 1]) == 0) {
			devs[n].version = 0;
			devs[n].wipe_end = LUKS_UNKNOWN_WIPE;
			r = 1;
		}
		if (r == -1)
			errx(1, "%s: no LUKS header", argv[n + 1]);
	}
#else
	if ((n = boot_disk_luks(devs, LUKS_MAX, why, sizeof(why))) == -1)
		errx(1, "%s; nothing was changed", why);
#endif
	printf("This machine's encrypted volumes:\n");
	for (i = opened = 0; i < n; i++) {
		if ((fds[i] = open(devs[i].path, O_RDWR | O_CLOEXEC)) == -1) {
			printf("  %s  cannot be opened for writing: %s\n",
			    devs[i].path, strerror(errno));
			bad = 1;
			continue;
		}
		opened++;
		if (devs[i].version == 0)
			printf("  %s  unreadable, or a damaged LUKS header: its "
			    "first %llu KiB are overwritten too\n", devs[i].path,
			    (unsigned long long)(devs[i].wipe_end / 1024));
		else
			printf("  %s  LUKS%u, header and keyslots in the first "
			    "%llu KiB\n", devs[i].path, devs[i].version,
			    (unsigned long long)(devs[i].wipe_end / 1024));
	}
	if (opened == 0)
		errx(1, "no volume can be written; nothing was changed");
	if (!yes) {
		if (!confirm("Destroy the keys of all of them? Every byte on "
		    "the disk is lost for ever, and the machine powers off. "
		    "[y/N] ") || !confirm("Really destroy everything now? "
		    "[y/N] ")) {
			printf("aborted: nothing was changed\n");
			return 1;
		}
		commit(&bad);
	}
	fflush(stdout);

	t0 = now();
	for (r = 1; r <= ROUNDS; r++)
		for (i = 0; i < n; i++) {
			if (fds[i] == -1)
				continue;
			t = now();
			if (overwrite(fds[i], devs[i].wipe_end) == -1) {
				say("round %d/%d: %s: write failed: %s\n", r,
				    ROUNDS, devs[i].path, strerror(errno));
				bad = 1;
			} else
				say("round %d/%d: %s: %llu KiB of random data "
				    "written and flushed (%.1f s)\n", r, ROUNDS,
				    devs[i].path, (unsigned long long)
				    (devs[i].wipe_end / 1024), now() - t);
		}
	for (i = 0; i < n; i++) {
		if (fds[i] == -1)
			continue;
		if (verify(fds[i], devs[i].wipe_end) == 0) {
			say("%s: read back, no LUKS header left\n", devs[i].path);
			continue;
		}
		say("%s: a LUKS header is still readable, or the read failed: "
		    "overwriting again\n", devs[i].path);
		bad = 1;
		if (overwrite(fds[i], devs[i].wipe_end) == 0 &&
		    verify(fds[i], devs[i].wipe_end) == 0) {
			say("%s: read back, no LUKS header left\n", devs[i].path);
			continue;
		}
		say("%s: FAILED: a header may remain\n", devs[i].path);
	}
	say("destroyed in %.1f s%s\n", now() - t0, bad ?
	    ", with the errors above" : "");
#ifdef KILLSWITCH_TEST
	say("test build: not powering off\n");
	return bad;
#else
	if (wipe_keys() == -1)
		bad = 1;
	say(bad ? "powering off now, after the errors above\n" :
	    "powering off now\n");
	(void)reboot(RB_POWER_OFF);
	say("power-off failed: %s; halting\n", strerror(errno));
	(void)reboot((int)RB_HALT_SYSTEM);
	return 1;
#endif
}
