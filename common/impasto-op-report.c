#include "impasto-op-report.h"

G_DEFINE_QUARK (impasto-op-error-quark, impasto_op_error)
