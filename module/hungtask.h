/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hungtask: internal interfaces of the module, one prototype section per file.
 */
#ifndef HUNGTASK_H
#define HUNGTASK_H

#include <linux/types.h>

#define HUNGTASK_PR_PREFIX "hungtask: "

struct task_struct;

/* hook.c: the sched_process_hang trace point. */
int hungtask_hook_init(void);
void hungtask_hook_exit(void);
u64 hungtask_hook_hits(void);

#endif /* HUNGTASK_H */
