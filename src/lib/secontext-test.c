/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * secontext-test: reads lines "PROGRAM MODE PERMISSIVE_OK CONTEXT" and
 * prints the self-check's decision for each, so the context strings and
 * the rules of secontext.h are tested against a golden file
 * (tests/secontext.expected). PROGRAM is untosh, irssius or ngircdus;
 * MODE enforcing, permissive or disabled; CONTEXT "-" for unreadable.
 * Exit status 2 on a malformed line.
 */
#include <err.h>
#include <stdio.h>
#include <string.h>

#include "secontext.h"

int
main(void)
{
	char line[512], prog[32], mode[32], ctx[SECONTEXT_MAX];
	const char *want, *why;
	enum semode m;
	int pok, lineno = 0;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%31s %31s %d %255s", prog, mode, &pok,
		    ctx) != 4)
			errx(2, "line %d: PROGRAM MODE PERMISSIVE_OK CONTEXT",
			    lineno);
		if (strcmp(prog, "untosh") == 0)
			want = SECONTEXT_UNTOSH;
		else if (strcmp(prog, "irssius") == 0)
			want = SECONTEXT_IRSSIUS;
		else if (strcmp(prog, "ngircdus") == 0)
			want = SECONTEXT_NGIRCDUS;
		else
			errx(2, "line %d: unknown program %s", lineno, prog);
		if (strcmp(mode, "enforcing") == 0)
			m = SEMODE_ENFORCING;
		else if (strcmp(mode, "permissive") == 0)
			m = SEMODE_PERMISSIVE;
		else if (strcmp(mode, "disabled") == 0)
			m = SEMODE_DISABLED;
		else
			errx(2, "line %d: unknown mode %s", lineno, mode);
		why = secontext_decide(m, strcmp(ctx, "-") == 0 ? NULL : ctx,
		    want, pok);
		printf("%s %s %d %s: %s\n", prog, mode, pok, ctx,
		    why == NULL ? "runs" : why);
	}
	return 0;
}
