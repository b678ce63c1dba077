// SPDX-License-Identifier: GPL-2.0
/*
 * todo_test.ko: the KUnit suites of the todo module.  They run while the
 * module is being inserted; results are also under
 * /sys/kernel/debug/kunit/<suite>/results.
 */
#include <kunit/visibility.h>
#include <linux/module.h>

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit suites for the todo module");
MODULE_LICENSE("GPL");
