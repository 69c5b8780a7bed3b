// SPDX-License-Identifier: GPL-2.0
/* struct netlink_ext_ack carries a buffer for formatted messages (6.2+). */
#include <linux/netlink.h>
int conftest(struct netlink_ext_ack *e);
int conftest(struct netlink_ext_ack *e)
{
	return sizeof(e->_msg_buf);
}
