// SPDX-License-Identifier: GPL-2.0
/* genl_info_dump(): a dump's parsed request as a struct genl_info (6.6+). */
#include <net/genetlink.h>
struct nlattr **conftest(struct netlink_callback *cb);
struct nlattr **conftest(struct netlink_callback *cb)
{
	return genl_info_dump(cb)->attrs;
}
