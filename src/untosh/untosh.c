/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * untosh: the login shell of untochat's chat users. It checks how it was
 * started, takes a one-session lock and offers four commands.
 *
 * Confinement: the untochat_t SELinux domain and the chat users' PAM limits
 * (no pledge/unveil on Linux); this program itself only narrows what its
 * children get.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "untosh.h"

#ifndef IDLE_TIMEOUT
#define IDLE_TIMEOUT	900	/* seconds an idle prompt waits */
#endif

static const char *const terminfo_dirs[] = {
	"/usr/share/terminfo", "/usr/lib/terminfo", "/etc/terminfo",
};

static volatile sig_atomic_t child_pid;

static void
usage(void)
{
	printf("usage: untosh (as a login shell)\n"
	    "       untosh -C < scenario\n"
	    "untochat's restricted login shell: help, chat, passwd, exit. "
	    "See untosh(1).\n");
	exit(0);
}

/* Any signal ends the session, and the child with it. */
static void
ender(int sig)
{
	(void)sig;
	if (child_pid > 0)
		kill(child_pid, SIGKILL);
	_exit(1);
}

static void
catch_all(void)
{
	struct sigaction sa;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ender;
	sigfillset(&sa.sa_mask);
	for (sig = 1; sig < NSIG; sig++) {
		/* A resized terminal (SIGWINCH) is no reason to end. */
		if (sig == SIGKILL || sig == SIGSTOP || sig == SIGCHLD ||
		    sig == SIGWINCH)
			continue;
		(void)sigaction(sig, &sa, NULL);
	}
}

static int
term_known_fs(const char *term)
{
	char path[PATH_MAX];
	size_t i;
	int n;

	for (i = 0; i < sizeof(terminfo_dirs) / sizeof(terminfo_dirs[0]); i++) {
		n = snprintf(path, sizeof(path), "%s/%c/%s", terminfo_dirs[i],
		    term[0], term);
		if (n > 0 && (size_t)n < sizeof(path) && access(path, R_OK) == 0)
			return 1;
	}
	return 0;
}

static void
refuse(const char *why)
{
	syslog(LOG_AUTHPRIV | LOG_WARNING, "refused uid %u: %s",
	    (unsigned)getuid(), why);
	errx(1, "%s", why);
}

/* Runs PATH with the allowlisted environment; returns how it ended. */
static int
run_child(const char *path, char *const envp[])
{
	char *const argv[] = { (char *)path, NULL };
	struct sigaction dfl;
	sigset_t all, old;
	pid_t pid;
	int status, sig;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid = fork();
	if (pid == -1)
		err(1, "fork");
	if (pid == 0) {
		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		for (sig = 1; sig < NSIG; sig++)
			(void)sigaction(sig, &dfl, NULL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (close_range(3, ~0U, 0) == -1)
			_exit(127);
		execve(path, argv, envp);
		_exit(127);
	}
	child_pid = pid;
	sigprocmask(SIG_SETMASK, &old, NULL);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			err(1, "waitpid");
	child_pid = 0;
	if (WIFSIGNALED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int
session(const struct start *st)
{
	static char line[LINE_CAP], obuf[BUFSIZ];
	char *envp[ENV_MAX];
	enum cmd c;

	/* No allocation once the prompt runs: stdio gets a static buffer. */
	setvbuf(stdout, obuf, _IOLBF, sizeof(obuf));
	if (child_env(st, envp, ENV_MAX) == -1)
		refuse("cannot build the child environment");
	for (;;) {
		printf("%s> ", st->user);
		if (fflush(stdout) == EOF)
			return 1;
		alarm(IDLE_TIMEOUT);
		c = read_cmd(STDIN_FILENO, line, sizeof(line));
		alarm(0);
		switch (c) {
		case CMD_EOF:
		case CMD_EXIT:
			return 0;
		case CMD_EMPTY:
			continue;
		case CMD_HELP:
			fputs(HELP_TEXT, stdout);
			continue;
		case CMD_CHAT:
			if (access(IRSSIUS, X_OK) == -1) {
				puts(CHAT_MISSING);
				continue;
			}
			if (run_child(IRSSIUS, envp) < 0)
				return 1;
			continue;
		case CMD_PASSWD:
			if (run_child(PASSWD, envp) < 0)
				return 1;
			continue;
		case CMD_TOOLONG:
			puts(TOOLONG_TEXT);
			continue;
		case CMD_UNKNOWN:
			puts(UNKNOWN_TEXT);
			continue;
		}
	}
}

int
main(int argc, char *argv[])
{
	struct start st;
	struct passwd *pw;
	struct stat sb;
	char lockpath[PATH_MAX];
#ifndef SECONTEXT_SKIP
	static char secontext[SECONTEXT_MAX];
#endif
	const char *why;
	int fd, n;

	if (argc == 2 && strcmp(argv[1], "-C") == 0)
		return check_mode(stdin, stdout);
	if (argc == 2 && strcmp(argv[1], "--help") == 0)
		usage();

	/* Messages say "untosh:", not "-untosh:" (argv[0] of a login shell). */
	program_invocation_short_name = (char *)"untosh";
	catch_all();
	openlog("untosh", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);

	memset(&st, 0, sizeof(st));
	st.uid = getuid();
	st.euid = geteuid();
	st.tty_in = isatty(STDIN_FILENO);
	st.tty_out = isatty(STDOUT_FILENO);
	st.argc = argc;
	st.argv0 = argc > 0 ? argv[0] : "";
	st.term = getenv("TERM");
	st.lang = getenv("LANG");
	st.user = getenv("USER");
	st.home = getenv("HOME");
	st.term_known = term_known_fs;
#ifdef SECONTEXT_SKIP
	/* The host's live test build: no SELinux on a build machine. */
	st.semode = SEMODE_ENFORCING;
	st.secontext = SECONTEXT_UNTOSH;
#else
	st.semode = secontext_state(secontext, sizeof(secontext));
	st.secontext = secontext;
#endif
	if ((pw = getpwuid(st.uid)) != NULL) {
		st.pw_name = pw->pw_name;
		st.pw_dir = pw->pw_dir;
	}
	if (st.home != NULL && lstat(st.home, &sb) == 0) {
		st.home_ok = 1;
		st.home_uid = sb.st_uid;
		st.home_mode = sb.st_mode;
	}
	if ((why = check_start(&st)) != NULL)
		refuse(why);

	/* One session per user: the lock lives as long as this process. */
	n = snprintf(lockpath, sizeof(lockpath), "%s/untosh_lockfile", st.home);
	if (n < 0 || (size_t)n >= sizeof(lockpath))
		refuse("home directory path too long");
	fd = open(lockpath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK, 0600);
	if (fd == -1)
		refuse("cannot open the session lock");
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_uid != st.uid || sb.st_nlink != 1)
		refuse("session lock is not a plain file of this user");
	if (flock(fd, LOCK_EX | LOCK_NB) == -1)
		refuse(errno == EWOULDBLOCK ? "another session of this user "
		    "is active" : "cannot lock the session");

	/* fd stays open, and so the lock held, until the session ends. */
	return session(&st);
}
