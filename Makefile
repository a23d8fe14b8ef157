# SPDX-License-Identifier: GPL-2.0-or-later
# untochat: see README. Every target runs as root on the build host.
IMAGE ?= mkosi.output/untochat.raw
# Package downloads and the incremental image cache (kept between builds).
include src/constants
CACHE_DIR ?= $(DEFAULT_CACHE_DIR)
export CACHE_DIR
# The operator's Secure Boot key and certificate (README, "Build");
# tools/build-image makes them on first use when both are absent.
export SECURE_BOOT_KEY SECURE_BOOT_CERT

.PHONY: all image update run check check-hosts bench audit clean

all: image

# Asks for the disk passphrase and the first admin unless PASSPHRASE_FILE,
# ADMIN and ADMIN_PASSWORD_FILE are given.
image:
	tools/build-image

# The next version as an update bundle (README, "Update"); IMAGE_VERSION
# chooses its number.
update:
	tools/make-update

# Boots the image with the serial console here; Ctrl-a x quits.
run:
	tools/run-vm $(IMAGE)

check:
	tools/test/check

# Builds and boots the image on a Debian 13 system made for the test.
check-hosts:
	tools/test/test-debian13

bench:
	tools/test/bench

# Boots a test image and prints Lynis's audit and each service's exposure.
audit:
	tools/test/audit

clean:
	rm -rf mkosi.output build
