// SPDX-License-Identifier: GPL-2.0
/* The SCSI host can ask for a blocking queuecommand (BLK_MQ_F_BLOCKING). */
#include <scsi/scsi_host.h>
int conftest(void);
int conftest(void)
{
	struct scsi_host_template t = { .queuecommand_may_block = 1 };

	return t.queuecommand_may_block;
}
