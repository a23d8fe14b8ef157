/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the LUKS header reader of luksdisk.c. */
#include <stddef.h>
#include <stdint.h>

#include "../lib/luksdisk.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t end;

	(void)luks_extent(data, size, &end);
	return 0;
}
