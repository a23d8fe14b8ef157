/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the two parsers of peeruser.h. The first byte picks
 * one: even, the bytes are a sock_diag answer; odd, a /proc/net/tcp line
 * looked at for a fixed connection. Each gets a heap copy of exactly its
 * size (malloc aligns it as a netlink header needs), so that the
 * sanitizer sees a read past the end. */
#include <stdlib.h>

#include "peeruser.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *p;
	uid_t uid;

	if (size == 0 || (p = malloc(size)) == NULL)
		return 0;
	memcpy(p, data + 1, size - 1);
	if ((data[0] & 1) == 0)
		(void)peeruser_diag_answer(p, size - 1, &uid);
	else {
		p[size - 1] = '\0';
		(void)peeruser_proc_line(p, "0100007F", 40000, "0100007F",
		    6667, &uid);
	}
	free(p);
	return 0;
}
