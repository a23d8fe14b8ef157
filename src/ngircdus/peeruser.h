/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * peeruser.h: which local user is at the other end of a loopback TCP
 * connection. ngircdus takes a client's user name from here, never from
 * the client: every client is irssius, run by a chat user on this
 * machine, and the kernel knows which uid created the client's socket.
 *
 * The kernel is asked by an exact NETLINK_SOCK_DIAG lookup (the socket
 * whose source is our peer and whose destination is our local address),
 * or, where sock_diag is missing, by reading /proc/net/tcp or tcp6. The
 * two answers are parsed by peeruser_diag_answer() and
 * peeruser_proc_line(), which do no I/O: tests/peeruser.in holds their
 * golden cases (peeruser-test), fuzz.c feeds them arbitrary bytes.
 *
 * Header only (static functions), like src/lib/secontext.h, so that
 * patch 0003 takes it into conn.c with one #include and no build change;
 * tools/build-upstream copies it into the tree.
 */
#ifndef PEERUSER_H
#define PEERUSER_H

#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>

#include <errno.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* An address as /proc/net/tcp prints it: 8 or 32 hex digits. */
#define PEERUSER_HEX	33

/* 1 if SS is a loopback address (127.0.0.0/8 or ::1). */
static inline int
peeruser_loopback(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *a4;
	const struct sockaddr_in6 *a6;

	if (ss->ss_family == AF_INET) {
		a4 = (const struct sockaddr_in *)ss;
		return (ntohl(a4->sin_addr.s_addr) >> 24) == 127;
	}
	if (ss->ss_family == AF_INET6) {
		a6 = (const struct sockaddr_in6 *)ss;
		return IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr);
	}
	return 0;
}

/*
 * The kernel's answer to one sock_diag request: LEN bytes at BUF, which
 * must be aligned as a struct nlmsghdr. 1 and *UID when it names an owned
 * socket; 0 when the kernel has no such socket (ENOENT) or it is orphaned
 * (inode 0: owned by nobody); -1 when the answer holds neither.
 */
static inline int
peeruser_diag_answer(const void *buf, size_t len, uid_t *uid)
{
	const struct nlmsghdr *h = buf;
	const struct nlmsgerr *e;
	const struct inet_diag_msg *m;
	long n;

	if (len > INT32_MAX)
		return -1;
	/* Signed: NLMSG_NEXT may step past the end by the padding. */
	for (n = (long)len; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
		if (h->nlmsg_type == NLMSG_ERROR) {
			e = NLMSG_DATA(h);
			if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)) &&
			    e->error == -ENOENT)
				return 0;
			return -1;
		}
		if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
		    h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
			continue;
		m = NLMSG_DATA(h);
		if (m->idiag_inode == 0)
			return 0;
		if (m->idiag_uid == (uint32_t)-1)
			return -1;
		*uid = (uid_t)m->idiag_uid;
		return 1;
	}
	return -1;
}

/*
 * One line of /proc/net/tcp or tcp6. The row we want has our peer as its
 * local end (WANT_L:LPORT) and our local address as its remote end
 * (WANT_R:RPORT); addresses are the raw words in memory as %08X, ports in
 * host order. 1 and *UID for that row with an owner; 0 for that row
 * orphaned (inode 0); -1 for any other line.
 */
static inline int
peeruser_proc_line(const char *line, const char *want_l, unsigned int lport,
    const char *want_r, unsigned int rport, uid_t *uid)
{
	char la[PEERUSER_HEX], ra[PEERUSER_HEX];
	unsigned long u, inode;
	unsigned int lp, rp;

	if (sscanf(line, "%*d: %32[0-9A-Fa-f]:%x %32[0-9A-Fa-f]:%x "
	    "%*x %*x:%*x %*x:%*x %*x %lu %*d %lu", la, &lp, ra, &rp, &u,
	    &inode) != 6)
		return -1;
	if (lp != lport || rp != rport || strcasecmp(la, want_l) != 0 ||
	    strcasecmp(ra, want_r) != 0)
		return -1;
	if (inode == 0)
		return 0;
	if (u >= (uid_t)-1)
		return -1;
	*uid = (uid_t)u;
	return 1;
}

/* The addresses and ports of LOCAL and PEER as sock_diag and /proc see
 * them: pointers to the raw address, its length, ports in host order. */
static inline void
peeruser_ends(const struct sockaddr_storage *ss, const void **addr,
    size_t *alen, unsigned int *port)
{
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)ss;

	if (ss->ss_family == AF_INET) {
		*addr = &a4->sin_addr;
		*alen = 4;
		*port = ntohs(a4->sin_port);
	} else {
		*addr = &a6->sin6_addr;
		*alen = 16;
		*port = ntohs(a6->sin6_port);
	}
}

/* Asks sock_diag. 1 and *UID when found, 0 when the kernel knows no such
 * owned socket, -1 when netlink is unavailable or answers nonsense. */
static inline int
peeruser_diag(const struct sockaddr_storage *local,
    const struct sockaddr_storage *peer, uid_t *uid)
{
	struct {
		struct nlmsghdr		nlh;
		struct inet_diag_req_v2	req;
	} rq;
	union {
		struct nlmsghdr	nlh;
		char		buf[8192];
	} rp;
	struct sockaddr_nl nl;
	const void *pa, *la;
	size_t alen;
	unsigned int pport, lport;
	ssize_t n;
	int fd, r = -1;

	peeruser_ends(peer, &pa, &alen, &pport);
	peeruser_ends(local, &la, &alen, &lport);
	memset(&rq, 0, sizeof(rq));
	rq.nlh.nlmsg_len = sizeof(rq);
	rq.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	rq.nlh.nlmsg_flags = NLM_F_REQUEST;
	rq.nlh.nlmsg_seq = 1;
	rq.req.sdiag_family = (uint8_t)peer->ss_family;
	rq.req.sdiag_protocol = IPPROTO_TCP;
	rq.req.idiag_states = ~0U;
	rq.req.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	rq.req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	rq.req.id.idiag_sport = htons((uint16_t)pport);
	rq.req.id.idiag_dport = htons((uint16_t)lport);
	memcpy(rq.req.id.idiag_src, pa, alen);
	memcpy(rq.req.id.idiag_dst, la, alen);

	if ((fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
	    NETLINK_SOCK_DIAG)) == -1)
		return -1;
	memset(&nl, 0, sizeof(nl));
	nl.nl_family = AF_NETLINK;
	if (sendto(fd, &rq, sizeof(rq), 0, (struct sockaddr *)&nl,
	    sizeof(nl)) == (ssize_t)sizeof(rq) &&
	    (n = recv(fd, &rp, sizeof(rp), 0)) > 0)
		r = peeruser_diag_answer(&rp, (size_t)n, uid);
	close(fd);
	return r;
}

/* Reads /proc/net/tcp or tcp6. 1 and *UID when found, else 0. */
static inline int
peeruser_proc(const struct sockaddr_storage *local,
    const struct sockaddr_storage *peer, uid_t *uid)
{
	char line[512], want_l[PEERUSER_HEX], want_r[PEERUSER_HEX];
	const void *pa, *la;
	uint32_t pw[4], lw[4];
	size_t alen, i;
	unsigned int pport, lport;
	FILE *f;
	int r = 0;

	peeruser_ends(peer, &pa, &alen, &pport);
	peeruser_ends(local, &la, &alen, &lport);
	memcpy(pw, pa, alen);
	memcpy(lw, la, alen);
	for (i = 0; i < alen / 4; i++) {
		snprintf(want_l + 8 * i, sizeof(want_l) - 8 * i, "%08X", pw[i]);
		snprintf(want_r + 8 * i, sizeof(want_r) - 8 * i, "%08X", lw[i]);
	}
	if ((f = fopen(alen == 4 ? "/proc/net/tcp" : "/proc/net/tcp6",
	    "re")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if ((r = peeruser_proc_line(line, want_l, pport, want_r, lport,
		    uid)) != -1)
			break;
	fclose(f);
	return r == 1;
}

/* Both ends of SOCK, as the lookups above take them. 0, or -1 if either
 * cannot be had. */
static inline int
peeruser_addrs(int sock, struct sockaddr_storage *local,
    struct sockaddr_storage *peer)
{
	socklen_t ll = sizeof(*local), pl = sizeof(*peer);

	if (getsockname(sock, (struct sockaddr *)local, &ll) == -1 ||
	    getpeername(sock, (struct sockaddr *)peer, &pl) == -1)
		return -1;
	return 0;
}

/*
 * The login name (into NAME, LEN bytes) and uid of the local user who owns
 * the peer end of SOCK. -1 when the peer is not on loopback, the kernel
 * cannot say who owns it, or the uid has no name that fits: the caller
 * refuses the connection.
 */
static inline int
peeruser(int sock, uid_t *uid, char *name, size_t len)
{
	struct sockaddr_storage local, peer;
	struct passwd *pw;
	int r;

	if (peeruser_addrs(sock, &local, &peer) == -1)
		return -1;
	if (local.ss_family != peer.ss_family || !peeruser_loopback(&peer))
		return -1;
	if ((r = peeruser_diag(&local, &peer, uid)) == -1)
		r = peeruser_proc(&local, &peer, uid);
	if (r != 1)
		return -1;
	if ((pw = getpwuid(*uid)) == NULL || pw->pw_name[0] == '\0' ||
	    strlen(pw->pw_name) >= len)
		return -1;
	memcpy(name, pw->pw_name, strlen(pw->pw_name) + 1);
	return 0;
}

#endif
