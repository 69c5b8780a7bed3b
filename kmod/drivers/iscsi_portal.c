// SPDX-License-Identifier: GPL-2.0
/*
 * iscsi_scst: portals, the listening sockets.
 *
 * A portal is "address:port" ("[v6address]:port" for IPv6; the port
 * defaults to 3260). Every portal serves every target (one target portal
 * group, tag 1). The listening socket's sk_data_ready queues the portal's
 * accept work, which accepts without blocking and hands each socket to a
 * new connection: no thread waits in accept().
 *
 * The set of portals comes from the module parameter "portals" at load and
 * from the driver parameter "portals" of the netlink family at run time;
 * changing it opens the new portals before closing the old ones, and fails
 * without changing anything if a new one cannot be opened. Connections
 * accepted on a portal outlive it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/inet.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>
#include "iscsi.h"

#define ISCST_PORT		3260
#define ISCST_MAX_PORTALS	64

/**
 * struct iscst_portal - a listening socket
 * @entry: in iscst_portals
 * @addr: what it listens on
 * @sock: the socket
 * @accept_work: accepts what is pending
 * @data_ready: the socket's original callback, restored at close
 */
struct iscst_portal {
	struct list_head	entry;
	struct sockaddr_storage	addr;
	struct socket		*sock;
	struct work_struct	accept_work;
	void			(*data_ready)(struct sock *sk);
};

/* Protects iscst_portals; never taken on the data path. */
static DEFINE_MUTEX(iscst_portal_mutex);
static LIST_HEAD(iscst_portals);

int iscst_addr_format(char *buf, size_t size, const struct sockaddr_storage *ss,
		      bool port)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

	if (ss->ss_family == AF_INET6) {
		if (port)
			return snprintf(buf, size, "[%pI6c]:%u",
					&sin6->sin6_addr,
					ntohs(sin6->sin6_port));
		return snprintf(buf, size, "%pI6c", &sin6->sin6_addr);
	}
	if (port)
		return snprintf(buf, size, "%pI4:%u", &sin->sin_addr,
				ntohs(sin->sin_port));
	return snprintf(buf, size, "%pI4", &sin->sin_addr);
}

static unsigned int iscst_count_char(const char *s, size_t len, char c)
{
	unsigned int n = 0;

	while (len--)
		n += *s++ == c;
	return n;
}

/* Parse "a.b.c.d[:port]" or "[v6][:port]" (a bare v6 address has no port). */
static int iscst_addr_parse(const char *s, size_t len,
			    struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	const char *end = s + len, *p, *port = NULL;
	unsigned int pnum = ISCST_PORT;
	char pbuf[8];

	memset(ss, 0, sizeof(*ss));
	if (!len)
		return -EINVAL;
	if (*s == '[') {
		p = memchr(s, ']', len);
		if (!p)
			return -EINVAL;
		if (!in6_pton(s + 1, p - s - 1, sin6->sin6_addr.s6_addr, -1,
			      NULL))
			return -EINVAL;
		if (p + 1 < end) {
			if (p[1] != ':')
				return -EINVAL;
			port = p + 2;
		}
		sin6->sin6_family = AF_INET6;
	} else if (iscst_count_char(s, len, ':') > 1) {
		/* Several colons and no brackets: an IPv6 address alone. */
		if (!in6_pton(s, len, sin6->sin6_addr.s6_addr, -1, NULL))
			return -EINVAL;
		sin6->sin6_family = AF_INET6;
	} else {
		p = memchr(s, ':', len);
		if (!in4_pton(s, p ? p - s : len, (u8 *)&sin->sin_addr.s_addr,
			      -1, NULL))
			return -EINVAL;
		if (p)
			port = p + 1;
		sin->sin_family = AF_INET;
	}
	if (port) {
		if (end - port < 1 || end - port >= sizeof(pbuf))
			return -EINVAL;
		memcpy(pbuf, port, end - port);
		pbuf[end - port] = 0;
		if (kstrtouint(pbuf, 10, &pnum) || !pnum || pnum > 65535)
			return -EINVAL;
	}
	if (ss->ss_family == AF_INET6)
		sin6->sin6_port = htons(pnum);
	else
		sin->sin_port = htons(pnum);
	return 0;
}

static bool iscst_addr_equal(const struct sockaddr_storage *a,
			     const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       ipv6_addr_equal(&x->sin6_addr, &y->sin6_addr);
	}
	return ((const struct sockaddr_in *)a)->sin_port ==
		       ((const struct sockaddr_in *)b)->sin_port &&
	       ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
}

static bool iscst_addr_any(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ipv6_addr_any(&((const struct sockaddr_in6 *)ss)->sin6_addr);
	return ((const struct sockaddr_in *)ss)->sin_addr.s_addr ==
	       htonl(INADDR_ANY);
}

static void iscst_portal_accept_work(struct work_struct *work)
{
	struct iscst_portal *portal = container_of(work, struct iscst_portal,
						   accept_work);
	struct socket *sock;
	int ret;

	for (;;) {
		ret = kernel_accept(portal->sock, &sock, O_NONBLOCK);
		if (ret) {
			if (ret != -EAGAIN)
				pr_warn_ratelimited("accept failed: %d\n", ret);
			return;
		}
		ret = iscst_conn_create(sock, portal->data_ready);
		if (ret) {
			pr_warn_ratelimited("cannot set up a connection: %d\n",
					    ret);
			sock_release(sock);
		}
	}
}

/* Softirq: a connection is waiting in the accept queue. */
static void iscst_portal_data_ready(struct sock *sk)
{
	struct iscst_portal *portal;

	read_lock_bh(&sk->sk_callback_lock);
	portal = sk->sk_user_data;
	if (portal && sk->sk_state == TCP_LISTEN)
		queue_work(iscst_wq, &portal->accept_work);
	read_unlock_bh(&sk->sk_callback_lock);
}

static struct iscst_portal *iscst_portal_open(const struct sockaddr_storage *addr)
{
	struct iscst_portal *portal;
	struct sock *sk;
	int len, ret;
	char name[64];

	portal = kzalloc(sizeof(*portal), GFP_KERNEL);
	if (!portal)
		return ERR_PTR(-ENOMEM);
	portal->addr = *addr;
	INIT_WORK(&portal->accept_work, iscst_portal_accept_work);

	ret = sock_create_kern(&init_net, addr->ss_family, SOCK_STREAM,
			       IPPROTO_TCP, &portal->sock);
	if (ret)
		goto err_free;
	sk = portal->sock->sk;
	sock_set_reuseaddr(sk);
	/* "[::]" must not take the IPv4 port of "0.0.0.0" too. */
	if (addr->ss_family == AF_INET6)
		ip6_sock_set_v6only(sk);
	len = addr->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
					    sizeof(struct sockaddr_in);
	ret = kernel_bind(portal->sock, (struct sockaddr *)addr, len);
	if (ret)
		goto err_sock;
	ret = kernel_listen(portal->sock, 128);
	if (ret)
		goto err_sock;

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = portal;
	portal->data_ready = sk->sk_data_ready;
	sk->sk_data_ready = iscst_portal_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);

	iscst_addr_format(name, sizeof(name), addr, true);
	pr_info("listening on %s\n", name);
	/* Connections may have queued up before the callback was set. */
	queue_work(iscst_wq, &portal->accept_work);
	return portal;

err_sock:
	sock_release(portal->sock);
err_free:
	iscst_addr_format(name, sizeof(name), addr, true);
	pr_err("cannot listen on %s: %d\n", name, ret);
	kfree(portal);
	return ERR_PTR(ret);
}

static void iscst_portal_close(struct iscst_portal *portal)
{
	struct sock *sk = portal->sock->sk;
	char name[64];

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = portal->data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	/* No new work can be queued now; wait for the one that may run. */
	cancel_work_sync(&portal->accept_work);
	sock_release(portal->sock);
	iscst_addr_format(name, sizeof(name), &portal->addr, true);
	pr_info("stopped listening on %s\n", name);
	kfree(portal);
}

/* Parse a comma-separated list into @addrs; returns the count or -errno. */
static int iscst_portals_parse(const char *spec, struct sockaddr_storage *addrs,
			       struct netlink_ext_ack *extack)
{
	const char *p = spec;
	int n = 0, i;

	while (*p) {
		const char *end = strchrnul(p, ',');

		if (end > p) {
			if (n == ISCST_MAX_PORTALS) {
				NL_SET_ERR_MSG(extack, "too many portals");
				return -E2BIG;
			}
			if (iscst_addr_parse(p, end - p, &addrs[n])) {
				NL_SET_ERR_MSG(extack,
					       "invalid portal: want address:port or [v6address]:port");
				return -EINVAL;
			}
			for (i = 0; i < n; i++) {
				if (iscst_addr_equal(&addrs[i], &addrs[n]))
					break;
			}
			if (i == n)
				n++;
		}
		p = *end ? end + 1 : end;
	}
	return n;
}

/* Is @spec a list of portals iscst_portals_set() could try? */
int iscst_portals_check(const char *spec, struct netlink_ext_ack *extack)
{
	struct sockaddr_storage *addrs;
	int n;

	addrs = kcalloc(ISCST_MAX_PORTALS, sizeof(*addrs), GFP_KERNEL);
	if (!addrs)
		return -ENOMEM;
	n = iscst_portals_parse(spec, addrs, extack);
	kfree(addrs);
	return n < 0 ? n : 0;
}

/**
 * iscst_portals_set() - make the portals exactly those of @spec
 * @spec: comma-separated portals, may be empty
 * @extack: for errors
 *
 * Return: 0, or -errno with nothing changed.
 */
int iscst_portals_set(const char *spec, struct netlink_ext_ack *extack)
{
	struct iscst_portal *portal, *tmp;
	struct sockaddr_storage *addrs;
	LIST_HEAD(added);
	LIST_HEAD(removed);
	int n, i, ret = 0;

	addrs = kcalloc(ISCST_MAX_PORTALS, sizeof(*addrs), GFP_KERNEL);
	if (!addrs)
		return -ENOMEM;
	n = iscst_portals_parse(spec, addrs, extack);
	if (n < 0) {
		kfree(addrs);
		return n;
	}

	mutex_lock(&iscst_portal_mutex);
	for (i = 0; i < n; i++) {
		bool found = false;

		list_for_each_entry(portal, &iscst_portals, entry) {
			if (iscst_addr_equal(&portal->addr, &addrs[i])) {
				found = true;
				break;
			}
		}
		if (found)
			continue;
		portal = iscst_portal_open(&addrs[i]);
		if (IS_ERR(portal)) {
			ret = PTR_ERR(portal);
			NL_SET_ERR_MSG(extack, "cannot listen on a portal (address in use or not local?)");
			goto err_unwind;
		}
		list_add_tail(&portal->entry, &added);
	}
	list_for_each_entry_safe(portal, tmp, &iscst_portals, entry) {
		for (i = 0; i < n; i++)
			if (iscst_addr_equal(&portal->addr, &addrs[i]))
				break;
		if (i == n)
			list_move_tail(&portal->entry, &removed);
	}
	list_splice_tail_init(&added, &iscst_portals);
	mutex_unlock(&iscst_portal_mutex);

	list_for_each_entry_safe(portal, tmp, &removed, entry) {
		list_del(&portal->entry);
		iscst_portal_close(portal);
	}
	kfree(addrs);
	return 0;

err_unwind:
	mutex_unlock(&iscst_portal_mutex);
	list_for_each_entry_safe(portal, tmp, &added, entry) {
		list_del(&portal->entry);
		iscst_portal_close(portal);
	}
	kfree(addrs);
	return ret;
}

/* The SCST_A_DRIVER_PARAM "portals=..." of listings. */
int iscst_portals_fill(struct sk_buff *skb)
{
	struct iscst_portal *portal;
	size_t size = 16 + ISCST_MAX_PORTALS * 56, len;
	char *buf;
	int ret;

	buf = kmalloc(size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	len = scnprintf(buf, size, "portals=");
	mutex_lock(&iscst_portal_mutex);
	list_for_each_entry(portal, &iscst_portals, entry) {
		if (len > 8)
			len += scnprintf(buf + len, size - len, ",");
		len += iscst_addr_format(buf + len, size - len, &portal->addr,
					 true);
	}
	mutex_unlock(&iscst_portal_mutex);
	ret = nla_put_string(skb, SCST_A_DRIVER_PARAM, buf);
	kfree(buf);
	return ret;
}

/*
 * The TargetAddress keys of SendTargets: the address the initiator reached
 * first, then every portal bound to a specific other address. Returns the
 * bytes written (each key NUL-terminated).
 */
int iscst_portals_list(char *buf, size_t size,
		       const struct sockaddr_storage *local)
{
	struct iscst_portal *portal;
	char addr[64];
	size_t len = 0;

	iscst_addr_format(addr, sizeof(addr), local, true);
	len += scnprintf(buf + len, size - len, "TargetAddress=%s,%u", addr,
			 ISCST_TPGT) + 1;
	mutex_lock(&iscst_portal_mutex);
	list_for_each_entry(portal, &iscst_portals, entry) {
		if (iscst_addr_any(&portal->addr) ||
		    iscst_addr_equal(&portal->addr, local))
			continue;
		if (len >= size)
			break;
		iscst_addr_format(addr, sizeof(addr), &portal->addr, true);
		len += scnprintf(buf + len, size - len, "TargetAddress=%s,%u",
				 addr, ISCST_TPGT) + 1;
	}
	mutex_unlock(&iscst_portal_mutex);
	return min(len, size);
}

/*
 * The portals of the module parameter: each one that can be opened is, so
 * that a host without IPv6 still listens on IPv4.
 */
int iscst_portals_init(const char *spec)
{
	struct sockaddr_storage *addrs;
	struct iscst_portal *portal;
	int n, i;

	addrs = kcalloc(ISCST_MAX_PORTALS, sizeof(*addrs), GFP_KERNEL);
	if (!addrs)
		return -ENOMEM;
	n = iscst_portals_parse(spec ? spec : "", addrs, NULL);
	if (n < 0) {
		pr_err("invalid portals parameter '%s'\n", spec);
		kfree(addrs);
		return n;
	}
	mutex_lock(&iscst_portal_mutex);
	for (i = 0; i < n; i++) {
		portal = iscst_portal_open(&addrs[i]);
		if (!IS_ERR(portal))
			list_add_tail(&portal->entry, &iscst_portals);
	}
	mutex_unlock(&iscst_portal_mutex);
	kfree(addrs);
	return 0;
}

void iscst_portals_exit(void)
{
	struct iscst_portal *portal, *tmp;
	LIST_HEAD(all);

	mutex_lock(&iscst_portal_mutex);
	list_splice_init(&iscst_portals, &all);
	mutex_unlock(&iscst_portal_mutex);
	list_for_each_entry_safe(portal, tmp, &all, entry) {
		list_del(&portal->entry);
		iscst_portal_close(portal);
	}
}
