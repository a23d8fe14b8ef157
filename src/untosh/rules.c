/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * untosh's decisions: whether a session may start, what a command line
 * means, what a child's environment is. No side effects but read(2) on the
 * descriptor read_cmd() is given.
 * Confinement: as untosh (SELinux untochat_t); nothing here acts.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "untosh.h"

/* var_ok: set, 1..max bytes, only characters from the set ok. */
static int
var_ok(const char *s, size_t max, const char *ok)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0 || n > max)
		return 0;
	return strspn(s, ok) == n;
}

#define ALNUM	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

/* NULL if a session may start, else why not. */
const char *
check_start(const struct start *st)
{
	const char *why;

	if (st->uid == 0 || st->euid == 0)
		return "refusing to run as root";
	if ((why = secontext_decide(st->semode, st->secontext,
	    SECONTEXT_UNTOSH, SECONTEXT_PERMISSIVE_OK)) != NULL)
		return why;
	if (!st->tty_in || !st->tty_out)
		return "not a terminal";
	if (st->argc != 1 || st->argv0 == NULL || st->argv0[0] != '-')
		return "only an interactive login is allowed";
	if (st->pw_name == NULL || st->pw_dir == NULL)
		return "no account for this user";
	if (!var_ok(st->term, 32, ALNUM "._+-") || st->term[0] == '.')
		return "TERM missing or malformed";
	if (st->term_known == NULL || !st->term_known(st->term))
		return "TERM is not a known terminal";
	if (!var_ok(st->lang, 32, ALNUM "._@-"))
		return "LANG missing or malformed";
	if (!var_ok(st->user, 32, ALNUM "._-") ||
	    strcmp(st->user, st->pw_name) != 0)
		return "USER does not match the account";
	if (!var_ok(st->home, HOME_MAX, ALNUM "._-/") ||
	    strcmp(st->home, st->pw_dir) != 0 || st->home[0] != '/')
		return "HOME does not match the account";
	if (!st->home_ok || !S_ISDIR(st->home_mode))
		return "HOME is not a directory";
	if (st->home_uid != st->uid)
		return "HOME is not owned by the user";
	if (st->home_mode & (S_IWGRP | S_IWOTH))
		return "HOME is writable by others";
	return NULL;
}

/* One complete line, without its newline. Blanks around it are ignored;
 * anything but the four words is unknown. */
enum cmd
parse_cmd(const char *s, size_t n)
{
	static const struct { const char *w; enum cmd c; } words[] = {
		{ "help", CMD_HELP }, { "chat", CMD_CHAT },
		{ "passwd", CMD_PASSWD }, { "exit", CMD_EXIT },
	};
	size_t i;

	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r'))
		n--;
	if (n == 0)
		return CMD_EMPTY;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i].w) == n && memcmp(words[i].w, s, n) == 0)
			return words[i].c;
	return CMD_UNKNOWN;
}

/* Reads one line from fd into buf (cap bytes) and parses it. A line that
 * does not fit is read to its end and refused whole. EOF ends the session,
 * also in the middle of a line. */
enum cmd
read_cmd(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	int toolong = 0;
	ssize_t r;
	char c;

	for (;;) {
		r = read(fd, &c, 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r != 1)
			return CMD_EOF;
		if (c == '\n')
			break;
		if (n + 1 >= cap)
			toolong = 1;
		else
			buf[n++] = c;
	}
	buf[n] = '\0';
	if (toolong)
		return CMD_TOOLONG;
	if (memchr(buf, '\0', n) != NULL)
		return CMD_UNKNOWN;
	return parse_cmd(buf, n);
}

/* The children's whole environment, built from an allowlist: TERM and LANG
 * (checked), HOME (irssius keeps its configuration there), a fixed PATH. */
int
child_env(const struct start *st, char **envp, size_t max)
{
	static char term[5 + VAR_MAX], lang[5 + VAR_MAX], home[5 + HOME_MAX];
	static char path[] = CHILD_PATH;

	if (max < 5)
		return -1;
	if (snprintf(term, sizeof(term), "TERM=%s", st->term) >= (int)sizeof(term) ||
	    snprintf(lang, sizeof(lang), "LANG=%s", st->lang) >= (int)sizeof(lang) ||
	    snprintf(home, sizeof(home), "HOME=%s", st->home) >= (int)sizeof(home))
		return -1;
	envp[0] = term;
	envp[1] = lang;
	envp[2] = home;
	envp[3] = path;
	envp[4] = NULL;
	return 0;
}

const char *
cmd_name(enum cmd c)
{
	switch (c) {
	case CMD_EMPTY:		return "empty: prompt again";
	case CMD_HELP:		return "help: print the four commands";
	case CMD_CHAT:		return "chat: run " IRSSIUS;
	case CMD_PASSWD:	return "passwd: run " PASSWD;
	case CMD_EXIT:		return "exit: end the session";
	case CMD_UNKNOWN:	return "refused: unknown command";
	case CMD_TOOLONG:	return "refused: line too long";
	case CMD_EOF:		return "eof: end the session";
	}
	return "?";
}
