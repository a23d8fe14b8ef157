/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: arbitrary bytes typed at the prompt go through
 * read_cmd() (line reader and parser) until EOF, as in a session.
 * Confinement: none; a test program.
 */
#include <sys/mman.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "untosh.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[LINE_CAP];
	static int fd = -1;
	enum cmd c;

	if (fd == -1 && (fd = memfd_create("untosh-fuzz", MFD_CLOEXEC)) == -1)
		abort();
	if (ftruncate(fd, 0) == -1 || lseek(fd, 0, SEEK_SET) == -1 ||
	    write(fd, data, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET) == -1)
		abort();
	do {
		c = read_cmd(fd, buf, sizeof(buf));
		if (c > CMD_EOF || memchr(buf, '\0', sizeof(buf)) == NULL)
			abort();
	} while (c != CMD_EOF);
	return 0;
}
