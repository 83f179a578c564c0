/* The PDB arguments of the two style-transfer procedures, made from the
 * parameter rows (impasto/parameters.h) in an order fixed for scripts:
 * the type, name and documented range and default of each come from its
 * row, so they cannot disagree with the GEGL ops, the settings or the
 * dialog. */
#ifndef IMPASTO_PDB_H
#define IMPASTO_PDB_H

#include <libgimp/gimp.h>

#include "impasto-settings.h"

G_BEGIN_DECLS

/* plug-in-impasto-frames: both methods' arguments, after the method and
 * the frame consistency. */
#define IMPASTO_PDB_FRAMES IMPASTO_N_METHODS

/* The arguments of plug-in-impasto-gatys (method IMPASTO_METHOD_GATYS),
 * plug-in-impasto-model or plug-in-impasto-frames (IMPASTO_PDB_FRAMES):
 * run-mode, image, drawable, then the procedure's. Free with
 * impasto_pdb_args_free. */
GimpParamDef *impasto_pdb_args          (gint                   method,
                                         gint                  *n_args);
void          impasto_pdb_args_free     (GimpParamDef          *args,
                                         gint                   n_args);
/* How many arguments impasto_pdb_args gives. */
gint          impasto_pdb_n_args        (gint                   method);

/* Fills *settings (defaults first) from a call's arguments, and for
 * IMPASTO_PDB_FRAMES *consistency (else it may be NULL); FALSE with
 * *error when a text is too long for its setting or a value is out of
 * range. The caller has checked the argument count. */
gboolean      impasto_pdb_read_settings (gint                   method,
                                         const GimpParam       *params,
                                         ImpastoSettings       *settings,
                                         gdouble               *consistency,
                                         GError               **error);

G_END_DECLS

#endif
