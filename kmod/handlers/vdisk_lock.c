// SPDX-License-Identifier: GPL-2.0
/*
 * The range lock that makes COMPARE AND WRITE atomic against writes.
 *
 * A COMPARE AND WRITE reads, compares and writes; no other write may land on
 * its blocks in between. Writes therefore announce themselves: the LBA
 * space is cut into 1 MiB regions, hashed onto VDISK_RL_BUCKETS buckets,
 * and a write counts itself in every bucket its range touches for as long
 * as its I/O is in flight. A COMPARE AND WRITE marks its buckets exclusive,
 * waits for the writers already counted there to drain, does its work and
 * clears the mark; writes that meet an exclusive bucket wait for it.
 *
 * The cost for ordinary writes is one uncontended spinlock per bucket
 * touched (usually one) at start and at completion, per device: there is
 * no device-wide or global lock. Waiting only happens next to a COMPARE AND
 * WRITE, in process context (writes are submitted from process context
 * when the backend can block).
 *
 * Deadlock freedom: every party takes its buckets in ascending order and,
 * while waiting for bucket b, holds only buckets below b, so the waits-for
 * graph cannot cycle.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include "vdisk.h"

void vdisk_rl_init(struct vdisk_dev *vdev)
{
	unsigned int i;

	for (i = 0; i < VDISK_RL_BUCKETS; i++) {
		struct vdisk_bucket *b = &vdev->buckets[i];

		spin_lock_init(&b->lock);
		init_waitqueue_head(&b->wq);
		b->writers = 0;
		b->exclusive = false;
	}
}

/* Buckets touched by the byte range [pos, pos + len). */
u64 vdisk_rl_mask(loff_t pos, loff_t len)
{
	u64 first, last, r, mask = 0;

	if (len <= 0)
		return 0;
	first = (u64)pos >> VDISK_RL_REGION_SHIFT;
	last = ((u64)pos + len - 1) >> VDISK_RL_REGION_SHIFT;
	if (last - first >= VDISK_RL_BUCKETS - 1)
		return ~0ULL;
	for (r = first; r <= last; r++)
		mask |= 1ULL << (r % VDISK_RL_BUCKETS);
	return mask;
}

void vdisk_rl_write_lock(struct vdisk_dev *vdev, u64 mask)
{
	unsigned long bits = mask;
	unsigned int i;

	might_sleep();
	BUILD_BUG_ON(VDISK_RL_BUCKETS > BITS_PER_LONG);
	for_each_set_bit(i, &bits, VDISK_RL_BUCKETS) {
		struct vdisk_bucket *b = &vdev->buckets[i];

		spin_lock_irq(&b->lock);
		wait_event_lock_irq(b->wq, !b->exclusive, b->lock);
		b->writers++;
		spin_unlock_irq(&b->lock);
	}
}

/*
 * For a submitter that must not wait: count the write in its buckets
 * unless one of them is exclusive, in which case nothing is held and the
 * caller retries from a context that can wait.
 */
bool vdisk_rl_write_trylock(struct vdisk_dev *vdev, u64 mask)
{
	unsigned long bits = mask;
	unsigned long flags;
	unsigned int i;

	for_each_set_bit(i, &bits, VDISK_RL_BUCKETS) {
		struct vdisk_bucket *b = &vdev->buckets[i];
		bool busy;

		spin_lock_irqsave(&b->lock, flags);
		busy = b->exclusive;
		if (!busy)
			b->writers++;
		spin_unlock_irqrestore(&b->lock, flags);
		if (busy) {
			vdisk_rl_write_unlock(vdev, mask & (BIT_ULL(i) - 1));
			return false;
		}
	}
	return true;
}

/* Any context: called from I/O completion. */
void vdisk_rl_write_unlock(struct vdisk_dev *vdev, u64 mask)
{
	unsigned long bits = mask;
	unsigned long flags;
	unsigned int i;

	for_each_set_bit(i, &bits, VDISK_RL_BUCKETS) {
		struct vdisk_bucket *b = &vdev->buckets[i];

		spin_lock_irqsave(&b->lock, flags);
		if (!--b->writers && b->exclusive)
			wake_up_all(&b->wq);
		spin_unlock_irqrestore(&b->lock, flags);
	}
}

void vdisk_rl_excl_lock(struct vdisk_dev *vdev, u64 mask)
{
	unsigned long bits = mask;
	unsigned int i;

	might_sleep();
	for_each_set_bit(i, &bits, VDISK_RL_BUCKETS) {
		struct vdisk_bucket *b = &vdev->buckets[i];

		spin_lock_irq(&b->lock);
		wait_event_lock_irq(b->wq, !b->exclusive, b->lock);
		/* From here on new writers wait; then let the old ones drain. */
		b->exclusive = true;
		wait_event_lock_irq(b->wq, !b->writers, b->lock);
		spin_unlock_irq(&b->lock);
	}
}

void vdisk_rl_excl_unlock(struct vdisk_dev *vdev, u64 mask)
{
	unsigned long bits = mask;
	unsigned int i;

	for_each_set_bit(i, &bits, VDISK_RL_BUCKETS) {
		struct vdisk_bucket *b = &vdev->buckets[i];

		spin_lock_irq(&b->lock);
		b->exclusive = false;
		wake_up_all(&b->wq);
		spin_unlock_irq(&b->lock);
	}
}
