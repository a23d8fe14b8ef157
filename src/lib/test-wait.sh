# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Sourced by the host tests (sh): bounded waits for a condition, never a
# fixed sleep as synchronisation.

# wait_until CMD...: runs CMD every 0.1 s until it succeeds, at most 10 s
# times TIMEOUT_SCALE; status 1 if it never did.
wait_until() {
	_n=0
	until "$@"; do
		[ "$_n" -lt "$((100 * ${TIMEOUT_SCALE:-1}))" ] || return 1
		sleep 0.1
		_n=$((_n + 1))
	done
}

# listening PORT: something listens on TCP PORT (in this network
# namespace).
listening() {
	ss -ltnH "sport = $1" | grep -q .
}

# in_openat PID: PID is blocked in openat (syscall 257), e.g. opening a
# FIFO that has no writer yet.
in_openat() {
	[ "$(cut -d' ' -f1 "/proc/$1/syscall" 2>/dev/null)" = 257 ]
}
