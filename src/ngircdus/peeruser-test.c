/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * peeruser-test: tests of peeruser.h.
 *
 * peeruser-test golden: reads cases from standard input and prints the
 * parsers' answer to each, for a golden file (tests/peeruser.expected):
 *   diag HEX...          a sock_diag answer, as hex bytes
 *   proc L LPORT R RPORT the next line is a /proc/net/tcp line, looked
 *                        at for the row with local end L:LPORT and
 *                        remote end R:RPORT
 * Lines starting with "#" and empty lines are skipped.
 *
 * peeruser-test live ADDR: real connections (needs root, and a network
 * namespace of its own where ADDR is a local address not on loopback),
 * each check a TAP line; the plan is the caller's.
 *
 * Exit status: 0, or 1 if a live check failed, 2 on bad input.
 */
#include <sys/wait.h>

#include <err.h>
#include <grp.h>
#include <fcntl.h>
#include <stdlib.h>

#include "peeruser.h"

#define NOBODY	65534

static int
hexbytes(const char *s, unsigned char *out, size_t cap, size_t *n)
{
	unsigned int b;
	int used;

	*n = 0;
	while (sscanf(s, " %2x%n", &b, &used) == 1) {
		if (*n == cap)
			return -1;
		out[(*n)++] = (unsigned char)b;
		s += used;
	}
	while (*s == ' ' || *s == '\n')
		s++;
	return *s == '\0' ? 0 : -1;
}

/* The answer R to the case at LINENO, under the comment before it. */
static void
answer(int lineno, const char *what, int r, uid_t uid)
{
	if (r == 1)
		printf("%d %s: owner uid %u\n", lineno, what, (unsigned)uid);
	else
		printf("%d %s: %s\n", lineno, what,
		    r == 0 ? "no owner (refuse)" : "not an answer");
}

static int
golden(void)
{
	static union {
		struct nlmsghdr	nlh;
		unsigned char	buf[4096];
	} a;
	char line[1024], want_l[PEERUSER_HEX], want_r[PEERUSER_HEX];
	unsigned int lport, rport;
	size_t n;
	uid_t uid;
	int lineno = 0, r;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		lineno++;
		if (line[0] == '#') {
			line[strcspn(line, "\n")] = '\0';
			printf("%s\n", line);
			continue;
		}
		if (line[0] == '\n')
			continue;
		uid = 0;
		if (strncmp(line, "diag", 4) == 0) {
			if (hexbytes(line + 4, a.buf, sizeof(a.buf), &n) == -1)
				errx(2, "line %d: diag HEX...", lineno);
			r = peeruser_diag_answer(&a, n, &uid);
			answer(lineno, "diag", r, uid);
		} else if (sscanf(line, "proc %32s %u %32s %u", want_l, &lport,
		    want_r, &rport) == 4) {
			if (fgets(line, sizeof(line), stdin) == NULL)
				errx(2, "line %d: proc: no line follows", lineno);
			lineno++;
			r = peeruser_proc_line(line, want_l, lport, want_r,
			    rport, &uid);
			answer(lineno, "proc", r, uid);
		} else
			errx(2, "line %d: diag or proc", lineno);
	}
	return 0;
}

static int failed;

/* One TAP line; what a failed check got, below it. */
static void
check(int ok, const char *name, int r, uid_t uid)
{
	printf("%s - peeruser: %s\n", ok ? "ok" : "not ok", name);
	if (!ok) {
		printf("#   got %d, uid %d\n", r, (int)uid);
		failed = 1;
	}
}

/* A listening socket on ADDR (IPv4), any port. */
static int
listener(const char *addr, struct sockaddr_in *sin)
{
	socklen_t len = sizeof(*sin);
	int s;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1)
		errx(2, "%s: not an IPv4 address", addr);
	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(s, (struct sockaddr *)sin, sizeof(*sin)) == -1 ||
	    listen(s, 8) == -1 ||
	    getsockname(s, (struct sockaddr *)sin, &len) == -1)
		err(2, "listen on %s", addr);
	return s;
}

/*
 * A client connects to SIN from FROM, as UID. With HOLD it stays until
 * the returned pipe is closed; without, it closes its socket and exits
 * before it is accepted (its end is then orphaned). Returns the accepted
 * socket; *HOLDER is the pipe to close, or -1.
 */
static int
client(const struct sockaddr_in *sin, const char *from, uid_t uid, int hold,
    int lst, int *holder, pid_t *pid)
{
	struct sockaddr_in src;
	int p[2], s, a;
	char c;

	if (pipe2(p, O_CLOEXEC) == -1 || (*pid = fork()) == -1)
		err(2, "fork");
	if (*pid == 0) {
		close(p[1]);
		if ((uid != getuid() && (setgroups(0, NULL) == -1 ||
		    setgid(uid) == -1 || setuid(uid) == -1)) ||
		    (s = socket(AF_INET, SOCK_STREAM, 0)) == -1)
			_exit(3);
		memset(&src, 0, sizeof(src));
		src.sin_family = AF_INET;
		if (inet_pton(AF_INET, from, &src.sin_addr) != 1 ||
		    bind(s, (struct sockaddr *)&src, sizeof(src)) == -1 ||
		    connect(s, (const struct sockaddr *)sin, sizeof(*sin)) == -1)
			_exit(4);
		if (hold)
			(void)!read(p[0], &c, 1);
		close(s);
		_exit(0);
	}
	close(p[0]);
	*holder = p[1];
	if (!hold) {
		close(p[1]);
		*holder = -1;
		if (waitpid(*pid, NULL, 0) == -1)
			err(2, "waitpid");
		*pid = -1;
	}
	if ((a = accept4(lst, NULL, NULL, SOCK_CLOEXEC)) == -1)
		err(2, "accept");
	return a;
}

static void
done(int a, int holder, pid_t pid)
{
	close(a);
	if (holder != -1)
		close(holder);
	if (pid != -1)
		(void)waitpid(pid, NULL, 0);
}

static int
live(const char *other)
{
	struct sockaddr_storage local, peer;
	struct sockaddr_in sin;
	struct passwd *pw;
	char name[33], want[33];
	uid_t uid;
	pid_t pid;
	int lst, a, holder, r;

	if ((pw = getpwuid(NOBODY)) == NULL)
		errx(2, "uid %d has no name", NOBODY);
	snprintf(want, sizeof(want), "%s", pw->pw_name);

	lst = listener("127.0.0.1", &sin);
	a = client(&sin, "127.0.0.1", getuid(), 1, lst, &holder, &pid);
	uid = (uid_t)-1;
	r = peeruser(a, &uid, name, sizeof(name));
	check(r == 0 && uid == getuid(), "a client of our own uid is found",
	    r, uid);
	done(a, holder, pid);

	a = client(&sin, "127.0.0.1", NOBODY, 1, lst, &holder, &pid);
	uid = (uid_t)-1;
	r = peeruser(a, &uid, name, sizeof(name));
	check(r == 0 && uid == NOBODY && strcmp(name, want) == 0,
	    "a client run as nobody is uid 65534 with its name", r, uid);
	if (peeruser_addrs(a, &local, &peer) == -1)
		err(2, "getsockname");
	uid = (uid_t)-1;
	r = peeruser_diag(&local, &peer, &uid);
	check(r == 1 && uid == NOBODY, "sock_diag names its owner", r, uid);
	uid = (uid_t)-1;
	r = peeruser_proc(&local, &peer, &uid);
	check(r == 1 && uid == NOBODY, "/proc/net/tcp names the same owner",
	    r, uid);
	r = peeruser(a, &uid, name, 4);
	check(r == -1, "a name longer than the caller's buffer is refused", r,
	    uid);
	done(a, holder, pid);

	/* Gone before it is accepted: its end has no owner any more. */
	a = client(&sin, "127.0.0.1", NOBODY, 0, lst, &holder, &pid);
	uid = (uid_t)-1;
	r = peeruser(a, &uid, name, sizeof(name));
	check(r == -1, "a client that closed before the accept is refused", r,
	    uid);
	if (peeruser_addrs(a, &local, &peer) == -1)
		err(2, "getsockname");
	r = peeruser_proc(&local, &peer, &uid);
	check(r == 0, "/proc/net/tcp gives it no owner either", r, uid);
	done(a, holder, pid);
	close(lst);

	/* Not on loopback: refused, though the kernel knows the owner. */
	lst = listener(other, &sin);
	a = client(&sin, other, NOBODY, 1, lst, &holder, &pid);
	r = peeruser(a, &uid, name, sizeof(name));
	check(r == -1, "a client from an address off loopback is refused", r,
	    uid);
	if (peeruser_addrs(a, &local, &peer) == -1)
		err(2, "getsockname");
	uid = (uid_t)-1;
	r = peeruser_diag(&local, &peer, &uid);
	check(r == 1 && uid == NOBODY,
	    "anti-test: sock_diag knows that client's owner", r, uid);
	done(a, holder, pid);
	close(lst);
	return failed;
}

int
main(int argc, char *argv[])
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "golden") == 0)
		return golden();
	if (argc == 3 && strcmp(argv[1], "live") == 0)
		return live(argv[2]);
	fprintf(stderr, "usage: peeruser-test golden <CASES\n"
	    "       peeruser-test live ADDR\n");
	return 2;
}
