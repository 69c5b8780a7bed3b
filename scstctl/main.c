// SPDX-License-Identifier: GPL-2.0-only
#include "scstctl.h"

int main(int argc, char **argv)
{
	return scstctl_main(argc, argv);
}
