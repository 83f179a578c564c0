/* What Impasto's GEGL operations share: both are whole-image composers
 * (input, optional style on aux, output) that read the input once as
 * R'G'B'A float, run the core, and pass the input through unchanged when
 * anything fails, saying why through the op's report
 * (impasto-op-report.h). Both have the properties of their parameter
 * rows (impasto-op-properties.h), among them "cancel" and "report". */
#ifndef IMPASTO_OP_COMMON_H
#define IMPASTO_OP_COMMON_H

#include <gegl.h>
#include <gegl-plugin.h>

#include "impasto-core-loader.h"
#include "impasto-op-report.h"

G_BEGIN_DECLS

/* One run of an op. */
typedef struct
{
  const gfloat  *content;   /* rect's pixels, R'G'B'A float */
  GeglBuffer    *aux;       /* the style on the aux pad, or NULL */
  GeglRectangle  rect;
  gfloat        *out;       /* the same size, to fill */
} ImpastoOpJob;

typedef gboolean (*ImpastoOpStylize) (GeglOperation      *operation,
                                      const ImpastoOpJob *job,
                                      GError            **error);

/* Bytes the core will need for a run on rect (see impasto_*_memory). */
typedef gdouble  (*ImpastoOpMemory)  (GeglOperation       *operation,
                                      const ImpastoCore   *core,
                                      GeglBuffer          *aux,
                                      const GeglRectangle *rect);

/* A GeglOperationClass::process. */
typedef gboolean (*ImpastoOpContextProcess) (GeglOperation        *operation,
                                             GeglOperationContext *context,
                                             const gchar          *output_pad,
                                             const GeglRectangle  *roi,
                                             gint                  level);

/* Makes an op of a composer class: prepare, bounding box, required and
 * cached regions (the whole input: every output pixel depends on every
 * input pixel), not threaded, and process. Process refuses a run that
 * would not fit in memory (memory) before anything is allocated — the
 * output is then the input buffer itself and the report says what to
 * change — else reads the input, calls stylize and writes the output; on
 * failure the output is a copy of the input. name, title (translated)
 * and description (translated) are the op's keys; its category artistic. */
void     impasto_op_class_setup     (GeglOperationClass *klass,
                                     ImpastoOpStylize    stylize,
                                     ImpastoOpMemory     memory,
                                     const gchar        *name,
                                     const gchar        *title,
                                     const gchar        *description);

/* Turns a core call's status (0 done, 1 cancelled, -1 failed) and message
 * into a GError, translating the message when the catalogue has it; frees
 * the message. TRUE when the call succeeded. */
gboolean impasto_op_core_result     (const ImpastoCore  *core,
                                     gint                status,
                                     gchar              *message,
                                     GError            **error);

/* A failed run: error (taken) goes to the op's report as IMPASTO_OP_ERROR
 * `code`, or without a report to the log (as a warning; nothing when
 * cancelled). */
void     impasto_op_fail            (GeglOperation      *operation,
                                     gint                code,
                                     GError             *error);
/* What the op is doing, for the user: to the report's note, or without a
 * report to the log at `level` (INFO is not printed by default). */
void     impasto_op_note            (GeglOperation      *operation,
                                     GLogLevelFlags      level,
                                     const gchar        *text);

/* An ImpastoProgressFunc forwarding to gegl_operation_progress; it cancels
 * the run when the op's "cancel" flag is set. */
int      impasto_op_report_progress (double              fraction,
                                     double              loss,
                                     void               *operation);

G_END_DECLS

#endif
