// SPDX-License-Identifier: GPL-2.0
/* kernel_sendpage(): zero-copy send of a page (removed in 6.5, replaced by MSG_SPLICE_PAGES). */
#include <linux/net.h>
int conftest(struct socket *sock, struct page *page);
int conftest(struct socket *sock, struct page *page)
{
	return kernel_sendpage(sock, page, 0, 1, MSG_MORE);
}
