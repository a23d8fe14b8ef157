# The compiler and linker flags every C program of untochat is built with
# (included by each Makefile): warnings, fortified libc calls, stack
# protector and clash protection, CET code, PIE, full RELRO, and a
# sanitizer build for the tests.
CC ?= cc
PREFIX ?= /usr
DESTDIR ?=
HARDEN = -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Wformat=2 -Wconversion -Wimplicit-fallthrough \
	-D_FORTIFY_SOURCE=3 -fstack-protector-strong -fstack-clash-protection \
	-fcf-protection=full -fPIE
HARDEN_LD = -pie -Wl,-z,relro,-z,now,-z,noexecstack
SAN = -std=c11 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
