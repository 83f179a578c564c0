/* How Impasto's GEGL operations tell the program that runs them what
 * happened; GEGL 0.4 operations have no error channel of their own.
 *
 * A program that embeds impasto:gatys or impasto:feedforward points the
 * op's "report" property at an ImpastoOpReport before processing. When a
 * run fails, the op's output is its input and report->error says why
 * (IMPASTO_OP_ERROR, the message translated); what the op has to say on
 * the way (which size a run is at, a fallback it took) goes to note.
 * Without a report (the gegl program, GIMP's GEGL tool) the op writes the
 * same to the "impasto" log domain: failures as warnings, notes as
 * messages. */
#ifndef IMPASTO_OP_REPORT_H
#define IMPASTO_OP_REPORT_H

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  IMPASTO_OP_ERROR_FAILED,     /* the inputs or the core refused the run */
  IMPASTO_OP_ERROR_MEMORY,     /* refused before starting: it would not fit */
  IMPASTO_OP_ERROR_CANCELLED   /* the op's cancel flag was set */
} ImpastoOpError;

#define IMPASTO_OP_ERROR (impasto_op_error_quark ())
GQuark impasto_op_error_quark (void);

/* Called in the thread that processes the op. */
typedef void (*ImpastoOpNote) (const gchar *text,
                               gpointer     data);

typedef struct
{
  GError        *error;        /* set by the op; the host frees it */
  ImpastoOpNote  note;         /* NULL: notes are dropped */
  gpointer       note_data;
} ImpastoOpReport;

G_END_DECLS

#endif
