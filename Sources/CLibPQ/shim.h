#ifndef OUTCOMES_CLIBPQ_SHIM_H
#define OUTCOMES_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
