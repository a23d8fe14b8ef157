/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * untochat-add-passphrase-to-luks-disks and
 * untochat-remove-passphrase-from-luks-disks (one program, two names):
 * change the passphrases of every LUKS volume of the boot disk together,
 * all or nothing.
 *
 * Passphrases live only in static, locked, wiped buffers: never in argv,
 * the environment or a file written here, never in a core dump.
 */
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <linux/magic.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <libcryptsetup.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "../../lib/luksdisk.h"

/* PASS_MAX and NEW_MIN come from src/constants (the Makefile passes them). */
#if !defined(PASS_MAX) || !defined(NEW_MIN)
#error "build with the Makefile: PASS_MAX and NEW_MIN come from src/constants"
#endif
#define VK_MAX		128

enum { ADD, REMOVE };

struct vol {
	struct luksdev		 dev;
	struct crypt_device	*cd;
	int			 slot;		/* opened by the old passphrase */
	int			 done;		/* changed by this run */
	int			 nslots;	/* of the old passphrase (remove) */
	int			 slots[32];
	struct crypt_pbkdf_type	 slotpbkdf[32];	/* each one's cost */
	char			 slottype[32][16], slothash[32][32];
	struct crypt_pbkdf_type	 pbkdf;
	char			 vk[VK_MAX];
	size_t			 vklen;
};

static const char *prog;
static int mode;
static char pass[3][PASS_MAX + 2];	/* old, new, new again; or the one */
static struct vol vols[LUKS_MAX];
static int nvol;
static int tty_fd = -1;
static struct termios tty_saved;

static void
wipe(void)
{
	explicit_bzero(pass, sizeof(pass));
	explicit_bzero(vols, sizeof(vols));
}

/* At exit: libcryptsetup wipes its own copies of the keys in crypt_free. */
static void
cleanup(void)
{
	int i;

	for (i = 0; i < nvol; i++)
		if (vols[i].cd != NULL)
			crypt_free(vols[i].cd);
	wipe();
}

static void
echo_on(void)
{
	if (tty_fd != -1)
		(void)tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
}

static void
on_signal(int sig)
{
	static const char msg[] = ": interrupted; nothing was changed\n";

	(void)sig;
	echo_on();
	wipe();
	(void)!write(STDERR_FILENO, prog, strlen(prog));
	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	_exit(1);
}

static void
usage(int status)
{
	FILE *f = status ? stderr : stdout;

	fprintf(f, "usage: %s [FILE | -]\n", prog);
	if (mode == ADD)
		fprintf(f, "Adds a new passphrase to every LUKS volume of the boot "
		    "disk, checked with the current one.\nFILE, or standard "
		    "input when it is not a terminal: three lines, the current "
		    "passphrase, the new one, the new one again.\n");
	else
		fprintf(f, "Removes a passphrase from every LUKS volume of the "
		    "boot disk, if each keeps another.\nFILE, or standard input "
		    "when it is not a terminal: one line, the passphrase.\n");
	fprintf(f, "Without FILE on a terminal it asks, hiding what is typed. "
	    "See %s(8).\n", prog);
	exit(status);
}

/* Reads one line into P (without its newline). 0, or -1 at EOF or for an
 * overlong line. */
static int
read_line(int fd, char *p)
{
	size_t n = 0;
	ssize_t r;
	char c;

	for (;;) {
		r = read(fd, &c, 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return n > 0 ? 0 : -1;
		if (c == '\n')
			return 0;
		if (n == PASS_MAX)
			return -1;
		p[n++] = c;
	}
}

static void
ask(const char *prompt, char *p)
{
	struct termios t;

	if (tty_fd == -1) {
		if ((tty_fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1)
			err(1, "/dev/tty");
		if (tcgetattr(tty_fd, &tty_saved) == -1)
			err(1, "tcgetattr");
	}
	t = tty_saved;
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	(void)!write(tty_fd, prompt, strlen(prompt));
	if (tcsetattr(tty_fd, TCSAFLUSH, &t) == -1)
		err(1, "tcsetattr");
	if (read_line(tty_fd, p) == -1) {
		echo_on();
		errx(1, "no passphrase read; nothing was changed");
	}
	echo_on();
	(void)!write(tty_fd, "\n", 1);
}

/* The file format: exactly N lines. */
static void
read_file(const char *path, int n)
{
	struct statfs fs;
	char extra[PASS_MAX + 2];
	int fd, i;

	if (path == NULL || strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		err(1, "%s; nothing was changed", path);
	if (fd != STDIN_FILENO && fstatfs(fd, &fs) == 0 &&
	    fs.f_type != TMPFS_MAGIC && fs.f_type != RAMFS_MAGIC)
		fprintf(stderr, "%s: warning: %s is on a disk: a passphrase "
		    "written to a disk can be recovered from it, even after "
		    "the file is deleted. Keep such files on tmpfs (/dev/shm) "
		    "and remove them.\n", prog, path);
	for (i = 0; i < n; i++)
		if (read_line(fd, pass[i]) == -1)
			errx(1, "%s: expected %d line%s of at most %d bytes; "
			    "nothing was changed", path ? path : "input", n,
			    n > 1 ? "s" : "", PASS_MAX);
	if (read_line(fd, extra) == 0) {
		explicit_bzero(extra, sizeof(extra));
		errx(1, "%s: more than %d line%s; nothing was changed",
		    path ? path : "input", n, n > 1 ? "s" : "");
	}
	if (fd != STDIN_FILENO)
		close(fd);
}

static void
check_inputs(void)
{
	size_t i, n;

	for (i = 0; i < (mode == ADD ? 3 : 1); i++)
		if (pass[i][0] == '\0')
			errx(1, "an empty passphrase; nothing was changed");
	if (mode == REMOVE)
		return;
	if (strcmp(pass[1], pass[2]) != 0)
		errx(1, "the new passphrases differ; nothing was changed");
	n = strlen(pass[1]);
	if (n < NEW_MIN)
		errx(1, "the new passphrase is shorter than %d characters; "
		    "nothing was changed", NEW_MIN);
	for (i = 0; i < n; i++)
		if (pass[1][i] < 0x20 || pass[1][i] > 0x7e)
			errx(1, "the new passphrase has a character that is "
			    "not printable ASCII (the boot prompt has only the "
			    "US keyboard map); nothing was changed");
	if (strcmp(pass[0], pass[1]) == 0)
		errx(1, "the new passphrase is the current one; nothing was "
		    "changed");
}

static void
quiet_log(int level, const char *msg, void *usrptr)
{
	(void)level;
	(void)msg;
	(void)usrptr;
}

/* Keeps keyslot K's key derivation as V's I-th removed keyslot, with
 * copies of its strings (libcryptsetup's go with the keyslot). */
static int
read_cost(struct vol *v, int k, int i)
{
	struct crypt_pbkdf_type *pb = &v->slotpbkdf[i];

	if (crypt_keyslot_get_pbkdf(v->cd, k, pb) < 0 || pb->type == NULL ||
	    snprintf(v->slottype[i], sizeof(v->slottype[i]), "%s",
	    pb->type) >= (int)sizeof(v->slottype[i]) ||
	    snprintf(v->slothash[i], sizeof(v->slothash[i]), "%s",
	    pb->hash ? pb->hash : "") >= (int)sizeof(v->slothash[i]))
		return -1;
	pb->type = v->slottype[i];
	pb->hash = pb->hash ? v->slothash[i] : NULL;
	return 0;
}

/* Opens every volume and checks PASS[0] on each, keeping its volume key
 * (for the new keyslot, or to undo a removal). Changes nothing. */
static void
verify_all(void)
{
	const char *p = pass[0];
	size_t len = strlen(p);
	struct vol *v;
	int i, k, max;

	for (i = 0; i < nvol; i++) {
		v = &vols[i];
		if (crypt_init(&v->cd, v->dev.path) < 0 ||
		    crypt_load(v->cd, CRYPT_LUKS, NULL) < 0)
			errx(1, "%s: cannot read its LUKS header; nothing was "
			    "changed", v->dev.path);
		crypt_set_log_callback(v->cd, quiet_log, NULL);
		v->vklen = (size_t)crypt_get_volume_key_size(v->cd);
		if (v->vklen == 0 || v->vklen > VK_MAX)
			errx(1, "%s: unexpected key size", v->dev.path);
		printf("%s: checking the passphrase...\n", v->dev.path);
		fflush(stdout);
		v->slot = crypt_volume_key_get(v->cd, CRYPT_ANY_SLOT, v->vk,
		    &v->vklen, p, len);
		if (v->slot < 0)
			errx(1, "%s: the passphrase does not open it; nothing "
			    "was changed", v->dev.path);
		if (crypt_keyslot_get_pbkdf(v->cd, v->slot, &v->pbkdf) < 0)
			errx(1, "%s: cannot read the key derivation of keyslot "
			    "%d", v->dev.path, v->slot);
		if (mode == ADD)
			continue;
		/* Remove: every keyslot it opens goes, and another must stay. */
		max = crypt_keyslot_max(crypt_get_type(v->cd));
		v->nslots = 0;
		for (k = 0; k < max && k < 32; k++) {
			if (crypt_keyslot_status(v->cd, k) < CRYPT_SLOT_ACTIVE)
				continue;
			if (k != v->slot && crypt_activate_by_passphrase(v->cd,
			    NULL, k, p, len, 0) != k)
				continue;
			if (read_cost(v, k, v->nslots) == -1)
				errx(1, "%s: cannot read the key derivation of "
				    "keyslot %d", v->dev.path, k);
			v->slots[v->nslots++] = k;
		}
		for (k = 0; k < max; k++)
			if (crypt_keyslot_status(v->cd, k) >= CRYPT_SLOT_ACTIVE) {
				int j, mine = 0;

				for (j = 0; j < v->nslots; j++)
					mine |= v->slots[j] == k;
				if (!mine)
					break;
			}
		if (k == max)
			errx(1, "%s: no other passphrase would be left; "
			    "nothing was changed", v->dev.path);
	}
}

/* 1 if two keyslots' key derivations cost the same. */
static int
same_cost(const struct crypt_pbkdf_type *a, const struct crypt_pbkdf_type *b)
{
	return a->type != NULL && b->type != NULL &&
	    strcmp(a->type, b->type) == 0 && a->iterations == b->iterations &&
	    a->max_memory_kb == b->max_memory_kb &&
	    a->parallel_threads == b->parallel_threads;
}

/* Undoes what this run changed; 0 when everything is back, each volume
 * said "undone" only once its keyslots are back as they were. */
static int
undo(void)
{
	struct crypt_pbkdf_type pb, now;
	struct vol *v;
	int i, j, bad = 0, vbad;

	for (i = 0; i < nvol; i++) {
		v = &vols[i];
		if (!v->done)
			continue;
		if (mode == ADD) {
			if (crypt_keyslot_destroy(v->cd, v->done - 1) < 0) {
				fprintf(stderr, "%s: %s: UNDO FAILED: the new "
				    "passphrase stays in keyslot %d\n", prog,
				    v->dev.path, v->done - 1);
				bad = 1;
			} else
				fprintf(stderr, "%s: %s: undone\n", prog,
				    v->dev.path);
			continue;
		}
		vbad = 0;
		for (j = 0; j < v->nslots; j++) {
			if (crypt_keyslot_status(v->cd, v->slots[j]) !=
			    CRYPT_SLOT_INACTIVE)
				continue;	/* not removed */
			/* Back with the cost it had, not libcryptsetup's
			 * default (which a 1 GiB machine may not afford). */
			pb = v->slotpbkdf[j];
			pb.flags |= CRYPT_PBKDF_NO_BENCHMARK;
			pb.time_ms = 0;
			if (crypt_set_pbkdf_type(v->cd, &pb) < 0 ||
			    crypt_keyslot_add_by_volume_key(v->cd, v->slots[j],
			    v->vk, v->vklen, pass[0], strlen(pass[0])) < 0 ||
			    crypt_keyslot_get_pbkdf(v->cd, v->slots[j], &now) < 0 ||
			    !same_cost(&now, &v->slotpbkdf[j])) {
				fprintf(stderr, "%s: %s: UNDO FAILED for "
				    "keyslot %d\n", prog, v->dev.path,
				    v->slots[j]);
				vbad = 1;
			}
		}
		if (vbad)
			bad = 1;
		else
			fprintf(stderr, "%s: %s: undone\n", prog, v->dev.path);
	}
	return bad;
}

static int
change_all(void)
{
	struct crypt_pbkdf_type pbkdf;
	struct vol *v;
	int i, j, r;

	for (i = 0; i < nvol; i++) {
		v = &vols[i];
		if (mode == ADD) {
			/* The new keyslot costs what the old one costs. */
			pbkdf = v->pbkdf;
			pbkdf.flags |= CRYPT_PBKDF_NO_BENCHMARK;
			pbkdf.time_ms = 0;
			r = crypt_set_pbkdf_type(v->cd, &pbkdf);
			if (r >= 0)
				r = crypt_keyslot_add_by_volume_key(v->cd,
				    CRYPT_ANY_SLOT, v->vk, v->vklen, pass[1],
				    strlen(pass[1]));
			if (r < 0) {
				fprintf(stderr, "%s: %s: adding failed: %s\n",
				    prog, v->dev.path, strerror(-r));
				return -1;
			}
			v->done = r + 1;
			printf("%s: new passphrase added (keyslot %d)\n",
			    v->dev.path, r);
			continue;
		}
		for (j = 0; j < v->nslots; j++) {
			if ((r = crypt_keyslot_destroy(v->cd, v->slots[j])) < 0) {
				fprintf(stderr, "%s: %s: removing keyslot %d "
				    "failed: %s\n", prog, v->dev.path,
				    v->slots[j], strerror(-r));
				v->done = 1;
				return -1;
			}
			v->done = 1;
		}
		printf("%s: passphrase removed (keyslot%s", v->dev.path,
		    v->nslots > 1 ? "s" : "");
		for (j = 0; j < v->nslots; j++)
			printf(" %d", v->slots[j]);
		printf(")\n");
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	struct rlimit no_core = { 0, 0 };
	const char *file = NULL;
	struct sigaction sa;
	sigset_t all;
	int status;
#ifdef PASSPHRASE_TEST
	int i;
	int ndev;
#else
	char why[256];
#endif

	prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	mode = strstr(prog, "remove") != NULL ? REMOVE : ADD;
	atexit(cleanup);
	(void)setrlimit(RLIMIT_CORE, &no_core);
	(void)prctl(PR_SET_DUMPABLE, 0);
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0))
		usage(0);
#ifdef PASSPHRASE_TEST
	/* Test build: passphrase-test add|remove [FILE|-] -- VOLUME... */
	if (argc < 4)
		usage(2);
	mode = strcmp(argv[1], "remove") == 0 ? REMOVE : ADD;
	argv++;
	argc--;
	for (ndev = 1; ndev < argc && strcmp(argv[ndev], "--") != 0; ndev++)
		;
	if (ndev > 2 || ndev == argc || argc - ndev - 1 > LUKS_MAX)
		usage(2);
	if (ndev == 2)
		file = argv[1];
	for (i = ndev + 1; i < argc; i++)
		if (luks_probe(argv[i], &vols[nvol++].dev) != 0)
			errx(1, "%s: not a LUKS volume", argv[i]);
#else
	if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1] != '\0'))
		usage(2);
	if (argc == 2)
		file = argv[1];
#endif
	if (geteuid() != 0)
		errx(1, "must run as root (sudo)");
	if (mlockall(MCL_CURRENT | MCL_FUTURE) == -1)
		err(1, "mlockall");

	/* Until the first change, an interrupt leaves everything as it was. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigfillset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);

#ifndef PASSPHRASE_TEST
	{
		static struct luksdev devs[LUKS_MAX];
		int n = boot_disk_luks(devs, LUKS_MAX, why, sizeof(why));

		if (n == -1)
			errx(1, "%s; nothing was changed", why);
		for (nvol = 0; nvol < n; nvol++) {
			if (devs[nvol].version == 0)
				errx(1, "%s cannot be read, or its LUKS header "
				    "is damaged; nothing was changed",
				    devs[nvol].path);
			vols[nvol].dev = devs[nvol];
		}
	}
#endif
	if (file == NULL && isatty(STDIN_FILENO)) {
		if (mode == ADD) {
			ask("current passphrase: ", pass[0]);
			ask("new passphrase: ", pass[1]);
			ask("new passphrase again: ", pass[2]);
		} else
			ask("passphrase to remove: ", pass[0]);
	} else
		read_file(file, mode == ADD ? 3 : 1);
	check_inputs();

	verify_all();

	/* Changing: nothing interrupts it any more; a failure is undone. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	if (change_all() == -1) {
		status = undo() ? 3 : 1;
		if (status == 1)
			fprintf(stderr, "%s: nothing was changed\n", prog);
		return status;
	}
	return 0;
}
