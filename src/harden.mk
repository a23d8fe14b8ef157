# SPDX-License-Identifier: GPL-2.0-or-later
# The compiler and linker flags every C program of untochat is built with
# (included by each Makefile): warnings, fortified libc calls, stack
# protector and clash protection, CET code, PIE, full RELRO, and a
# sanitizer build for the tests.
CC ?= cc
PREFIX ?= /usr
DESTDIR ?=
# HARDEN_CODE is also what the upstream chat programs are built with
# (tools/build-upstream), whose own warnings and C dialect we keep.
HARDEN_CODE = -O2 -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fstack-clash-protection \
	-fcf-protection=full -fPIE
HARDEN = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wformat=2 -Wconversion -Wimplicit-fallthrough \
	$(HARDEN_CODE)
HARDEN_LD = -pie -Wl,-z,relro,-z,now,-z,noexecstack
SAN = -std=c11 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
