/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * untosh -C: reads a scenario (how untosh was started, then the lines a
 * user types) and prints every decision, changing nothing. The lines go
 * through read_cmd() on an anonymous memory file, as typed input would.
 * Confinement: none needed; it only reads stdin and writes stdout.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "untosh.h"

#define TERMS_MAX	8
#define SCEN_LINE	4096

static char terms[TERMS_MAX][VAR_MAX + 1];
static size_t nterms;

static int
term_known_list(const char *t)
{
	size_t i;

	for (i = 0; i < nterms; i++)
		if (strcmp(terms[i], t) == 0)
			return 1;
	return 0;
}

/* Scenario strings live in a static arena: nothing to free, no leak. */
static char *
keep(const char *s)
{
	static char arena[8192];
	static size_t used;
	size_t n = strlen(s) + 1;
	char *p;

	if (n > sizeof(arena) - used)
		errx(2, "scenario too large");
	p = memcpy(arena + used, s, n);
	used += n;
	return p;
}

int
check_mode(FILE *in, FILE *out)
{
	static char line[SCEN_LINE], buf[LINE_CAP];
	struct start st;
	char *envp[ENV_MAX], *v;
	const char *why;
	unsigned long u;
	unsigned int mode;
	size_t n, i;
	enum cmd c;
	int fd, lineno = 0;

	memset(&st, 0, sizeof(st));
	st.argc = 1;
	st.argv0 = "-untosh";
	st.tty_in = st.tty_out = 1;
	st.term_known = term_known_list;
	/* Unless the scenario says otherwise: enforcing, the right context. */
	st.semode = SEMODE_ENFORCING;
	st.secontext = SECONTEXT_UNTOSH ":s0";
	if ((fd = memfd_create("untosh-check", MFD_CLOEXEC)) == -1)
		err(1, "memfd_create");

	while (fgets(line, sizeof(line), in) != NULL) {
		lineno++;
		n = strlen(line);
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		else if (!feof(in))
			errx(2, "scenario line %d too long", lineno);
		if (n == 0 || line[0] == '#')
			continue;
		if ((v = strchr(line, ' ')) != NULL)
			*v++ = '\0';
		else
			v = line + n;
		if (strcmp(line, "uid") == 0)
			st.uid = st.euid = (uid_t)strtoul(v, NULL, 10);
		else if (strcmp(line, "euid") == 0)
			st.euid = (uid_t)strtoul(v, NULL, 10);
		else if (strcmp(line, "tty") == 0) {
			if (strlen(v) != 3 || v[1] != ' ')
				errx(2, "line %d: tty IN OUT", lineno);
			st.tty_in = v[0] == '1';
			st.tty_out = v[2] == '1';
		} else if (strcmp(line, "argc") == 0)
			st.argc = atoi(v);
		else if (strcmp(line, "argv0") == 0)
			st.argv0 = keep(v);
		else if (strcmp(line, "pw") == 0) {
			char *d = strchr(v, ' ');
			if (d == NULL)
				errx(2, "line %d: pw NAME DIR", lineno);
			*d++ = '\0';
			st.pw_name = keep(v);
			st.pw_dir = keep(d);
		} else if (strcmp(line, "home") == 0) {
			if (sscanf(v, "%lu %o", &u, &mode) != 2)
				errx(2, "line %d: home UID MODE", lineno);
			st.home_ok = 1;
			st.home_uid = (uid_t)u;
			st.home_mode = (mode_t)mode;
		} else if (strcmp(line, "selinux") == 0) {
			if (strcmp(v, "enforcing") == 0)
				st.semode = SEMODE_ENFORCING;
			else if (strcmp(v, "permissive") == 0)
				st.semode = SEMODE_PERMISSIVE;
			else if (strcmp(v, "disabled") == 0)
				st.semode = SEMODE_DISABLED;
			else
				errx(2, "line %d: selinux enforcing|permissive|"
				    "disabled", lineno);
		} else if (strcmp(line, "context") == 0) {
			st.secontext = keep(v);
		} else if (strcmp(line, "terminfo") == 0) {
			if (nterms == TERMS_MAX || strlen(v) > VAR_MAX)
				errx(2, "line %d: too many terminfo names", lineno);
			strcpy(terms[nterms++], v);
		} else if (strcmp(line, "env") == 0) {
			if (strncmp(v, "TERM=", 5) == 0)
				st.term = keep(v + 5);
			else if (strncmp(v, "LANG=", 5) == 0)
				st.lang = keep(v + 5);
			else if (strncmp(v, "USER=", 5) == 0)
				st.user = keep(v + 5);
			else if (strncmp(v, "HOME=", 5) == 0)
				st.home = keep(v + 5);
			else
				/* The children's environment is built from
				 * these alone (child_env): another variable
				 * could not reach a child here, so a scenario
				 * with one would prove nothing (live.exp runs
				 * untosh in a full environment). */
				errx(2, "line %d: env knows TERM, LANG, USER and "
				    "HOME only", lineno);
		} else if (strcmp(line, "line") == 0 || strcmp(line, "raw") == 0) {
			size_t len = strlen(v);
			if (write(fd, v, len) != (ssize_t)len ||
			    (line[0] == 'l' && write(fd, "\n", 1) != 1))
				err(1, "memfd write");
		} else
			errx(2, "line %d: unknown directive %s", lineno, line);
	}

	if ((why = check_start(&st)) != NULL) {
		fprintf(out, "start: refused: %s\n", why);
		return 0;
	}
	fprintf(out, "start: ok\n");
	if (child_env(&st, envp, ENV_MAX) == -1)
		fprintf(out, "child env: refused\n");
	else
		for (i = 0; envp[i] != NULL; i++)
			fprintf(out, "child env: %s\n", envp[i]);
	if (lseek(fd, 0, SEEK_SET) == -1)
		err(1, "lseek");
	n = 0;
	do {
		c = read_cmd(fd, buf, sizeof(buf));
		fprintf(out, "command %zu: %s\n", ++n, cmd_name(c));
	} while (c != CMD_EOF && c != CMD_EXIT);
	close(fd);
	if (fflush(out) == EOF || ferror(out))
		err(1, "stdout");
	return 0;
}
