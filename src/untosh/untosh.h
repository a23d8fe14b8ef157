/* SPDX-License-Identifier: GPL-2.0-or-later */
/* untosh: the decisions, kept free of side effects so that the check mode
 * (-C), the tests and the fuzzer run exactly the code the shell runs. */
#include <stdio.h>
#include <sys/types.h>

#include "../lib/secontext.h"

#define LINE_CAP	64	/* a command line: 63 bytes and a NUL */
#define ENV_MAX		8
#define VAR_MAX		64	/* longest TERM, LANG, USER value */
#define HOME_MAX	256
/* The live test build (make untosh-live) points these at a stand-in. */
#ifndef IRSSIUS
#define IRSSIUS		"/usr/bin/irssius"
#endif
#ifndef PASSWD
#define PASSWD		"/usr/bin/passwd"
#endif
#define CHILD_PATH	"PATH=/usr/bin:/bin"

#define HELP_TEXT \
	"help    show this text\n" \
	"chat    start the chat\n" \
	"passwd  change your password\n" \
	"exit    end the session\n"
#define UNKNOWN_TEXT	"unknown command; the commands are help, chat, passwd, exit"
#define TOOLONG_TEXT	"line too long; the commands are help, chat, passwd, exit"
#define CHAT_MISSING	"chat is not available on this server yet"

enum cmd {
	CMD_EMPTY, CMD_HELP, CMD_CHAT, CMD_PASSWD, CMD_EXIT,
	CMD_UNKNOWN, CMD_TOOLONG, CMD_EOF
};

/* What untosh knows when it starts. */
struct start {
	uid_t		 uid, euid;
	enum semode	 semode;	/* SELinux, from selinuxfs */
	const char	*secontext;	/* this process's context */
	int		 tty_in, tty_out;
	int		 argc;
	const char	*argv0;
	const char	*term, *lang, *user, *home;
	const char	*pw_name, *pw_dir;
	int		 home_ok;	/* lstat(home) worked */
	uid_t		 home_uid;
	mode_t		 home_mode;
	int		(*term_known)(const char *);
};

const char	*check_start(const struct start *);
enum cmd	 parse_cmd(const char *, size_t);
enum cmd	 read_cmd(int, char *, size_t);
int		 child_env(const struct start *, char **, size_t);
const char	*cmd_name(enum cmd);
int		 check_mode(FILE *, FILE *);
