# SPDX-License-Identifier: GPL-2.0
# Flags shared by every module of the tree; included by each Kbuild file.
SCST_TOP := $(abspath $(src)/..)
SCST_VERSION := $(shell cat $(SCST_TOP)/../VERSION 2>/dev/null || echo 0.0.0)
ccflags-y += -I$(SCST_TOP)/include -include $(SCST_TOP)/conftest.h
ccflags-y += -DSCST_VERSION=\"$(SCST_VERSION)\"
ccflags-$(CONFIG_SCST_WERROR) += -Werror
