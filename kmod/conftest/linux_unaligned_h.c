// SPDX-License-Identifier: GPL-2.0
/* <linux/unaligned.h> replaces <asm/unaligned.h> (6.12+). */
#include <linux/unaligned.h>
int conftest(const void *p);
int conftest(const void *p)
{
	return get_unaligned_be16(p);
}
