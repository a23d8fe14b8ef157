/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * alloc-probe.so: LD_PRELOAD probe for the live tests. Counts malloc,
 * calloc and realloc; at untosh's first read(2) (the first prompt) it says
 * how many it saw during start-up, and from then on it reports every
 * allocation on stderr, so the test can tell that the command path
 * allocates nothing.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int armed;
static unsigned long before;

static void
seen(const char *what)
{
	if (armed)
		(void)write(STDERR_FILENO, what, strlen(what));
	else
		before++;
}

void *
malloc(size_t n)
{
	static void *(*real)(size_t);

	if (real == NULL)
		real = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
	seen("[alloc: malloc]");
	return real(n);
}

void *
calloc(size_t n, size_t m)
{
	static void *(*real)(size_t, size_t);

	if (real == NULL)
		real = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
	seen("[alloc: calloc]");
	return real(n, m);
}

void *
realloc(void *p, size_t n)
{
	static void *(*real)(void *, size_t);

	if (real == NULL)
		real = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	seen("[alloc: realloc]");
	return real(p, n);
}

ssize_t
read(int fd, void *buf, size_t n)
{
	static ssize_t (*real)(int, void *, size_t);
	char msg[64];
	int len;

	if (real == NULL)
		real = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
	if (!armed) {
		len = snprintf(msg, sizeof(msg), "[probe: %lu before the prompt]",
		    before);
		armed = 1;
		if (len > 0)
			(void)write(STDERR_FILENO, msg, (size_t)len);
	}
	return real(fd, buf, n);
}
