// SPDX-License-Identifier: GPL-2.0
/*
 * iscsi_scst: socket I/O and digests.
 *
 * Received data goes straight into the pages of the command's buffer (one
 * copy, out of the socket buffers). Data-In leaves without a copy: the pages
 * are handed to TCP, which takes its own references (kernel_sendpage() where
 * the kernel has it, sendmsg() with MSG_SPLICE_PAGES where it does not), so
 * the buffer may be released as soon as the send returns: pages are never
 * reused while TCP still holds them, they are freed only when its references
 * are gone too.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/crc32c.h>
#include <linux/highmem.h>
#include <linux/uio.h>
#include <net/sock.h>
#include "iscsi.h"

static int iscst_recv_msg(struct iscst_conn *conn, struct msghdr *msg)
{
	int ret;

	while (msg_data_left(msg)) {
		ret = sock_recvmsg(conn->sock, msg, MSG_WAITALL | MSG_NOSIGNAL);
		if (ret > 0)
			continue;
		if (ret == 0)
			return -ECONNRESET;
		return ret;
	}
	return 0;
}

/* Receive exactly @len bytes into @buf. */
int iscst_recv_kvec(struct iscst_conn *conn, void *buf, size_t len)
{
	struct kvec vec = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = { };

	iov_iter_kvec(&msg.msg_iter, ITER_DEST, &vec, 1, len);
	return iscst_recv_msg(conn, &msg);
}

/* Receive exactly @len bytes at offset @off of the buffer @bvec describes. */
int iscst_recv_bvec(struct iscst_conn *conn, struct bio_vec *bvec, u32 nr,
		    u32 off, u32 len)
{
	struct msghdr msg = { };
	size_t total = (size_t)nr * PAGE_SIZE;

	iov_iter_bvec(&msg.msg_iter, ITER_DEST, bvec, nr, total);
	iov_iter_advance(&msg.msg_iter, off);
	iov_iter_truncate(&msg.msg_iter, len);
	return iscst_recv_msg(conn, &msg);
}

/* Read and drop @len bytes (the data of a PDU nobody wants). */
int iscst_recv_discard(struct iscst_conn *conn, u32 len)
{
	u8 *buf;
	int ret = 0;

	if (!len)
		return 0;
	buf = kmalloc(min_t(u32, len, PAGE_SIZE), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	while (len && !ret) {
		u32 n = min_t(u32, len, PAGE_SIZE);

		ret = iscst_recv_kvec(conn, buf, n);
		len -= n;
	}
	kfree(buf);
	return ret;
}

static int iscst_send_msg(struct iscst_conn *conn, struct msghdr *msg)
{
	int ret;

	while (msg_data_left(msg)) {
		ret = sock_sendmsg(conn->sock, msg);
		if (ret > 0)
			continue;
		return ret ? ret : -EPIPE;
	}
	return 0;
}

/* Send @nr kernel buffers (copied into the socket). */
int iscst_send_kvec(struct iscst_conn *conn, struct kvec *vec, int nr,
		    bool more)
{
	struct msghdr msg = {
		.msg_flags = MSG_NOSIGNAL | (more ? MSG_MORE : 0),
	};
	size_t len = 0;
	int i;

	for (i = 0; i < nr; i++)
		len += vec[i].iov_len;
	iov_iter_kvec(&msg.msg_iter, ITER_SOURCE, vec, nr, len);
	return iscst_send_msg(conn, &msg);
}

/* Send @len bytes at @off of a page buffer, without copying. */
int iscst_send_bvec(struct iscst_conn *conn, struct bio_vec *bvec, u32 nr,
		    u32 off, u32 len, bool more)
{
#ifdef HAVE_KERNEL_SENDPAGE
	u32 i = off >> PAGE_SHIFT;

	off &= ~PAGE_MASK;
	while (len) {
		u32 n = min_t(u32, len, bvec[i].bv_len - off);
		int flags = MSG_NOSIGNAL;
		int ret;

		if (more || n < len)
			flags |= MSG_MORE | MSG_SENDPAGE_NOTLAST;
		ret = kernel_sendpage(conn->sock, bvec[i].bv_page,
				      bvec[i].bv_offset + off, n, flags);
		if (ret <= 0)
			return ret ? ret : -EPIPE;
		len -= ret;
		off += ret;
		if (off == bvec[i].bv_len) {
			off = 0;
			i++;
		}
	}
	return 0;
#else
	struct msghdr msg = {
		.msg_flags = MSG_NOSIGNAL | MSG_SPLICE_PAGES |
			     (more ? MSG_MORE : 0),
	};

	iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, bvec, nr,
		      (size_t)nr * PAGE_SIZE);
	iov_iter_advance(&msg.msg_iter, off);
	iov_iter_truncate(&msg.msg_iter, len);
	return iscst_send_msg(conn, &msg);
#endif
}

u32 iscst_crc32c(u32 crc, const void *buf, size_t len)
{
	return crc32c(crc, buf, len);
}

/* CRC32C over @len bytes at @off of a page buffer. */
u32 iscst_crc32c_bvec(u32 crc, struct bio_vec *bvec, u32 off, u32 len)
{
	u32 i = off >> PAGE_SHIFT;

	off &= ~PAGE_MASK;
	while (len) {
		u32 n = min_t(u32, len, bvec[i].bv_len - off);
		void *p = kmap_local_page(bvec[i].bv_page);

		crc = crc32c(crc, p + bvec[i].bv_offset + off, n);
		kunmap_local(p);
		len -= n;
		off = 0;
		i++;
	}
	return crc;
}
