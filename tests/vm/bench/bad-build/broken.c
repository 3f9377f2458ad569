// A reproducer whose module does not compile: the bench must say so.
#include <linux/module.h>
this is not C;
