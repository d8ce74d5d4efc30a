/* SPDX-License-Identifier: GPL-2.0-only */
#include "proto/client/vu_client.h"
