/* Style images for Impasto's operations: the aux buffer and/or image files,
 * read as R'G'B'A float with their blend weights. */
#ifndef IMPASTO_STYLE_SOURCE_H
#define IMPASTO_STYLE_SOURCE_H

#include <gio/gio.h>
#include <gegl.h>

#include "impasto/impasto.h"

G_BEGIN_DECLS

typedef struct _ImpastoStyleSet ImpastoStyleSet;

/* aux: may be NULL. paths: NULL, "" or files separated by
 * G_SEARCHPATH_SEPARATOR. weights: NULL, "" or comma-separated numbers, one
 * per style (aux first). Styles longer than max_side pixels are read
 * reduced to it (the core never uses more), so a huge style layer costs no
 * more memory than a small one. Returns NULL with a translated *error when
 * there is no style, a file cannot be read, or the weights do not fit. */
ImpastoStyleSet         *impasto_style_set_new    (GeglBuffer  *aux,
                                                   const gchar *paths,
                                                   const gchar *weights,
                                                   gint         max_side,
                                                   GError     **error);
const ImpastoStyleImage *impasto_style_set_images (ImpastoStyleSet *set);
gint                     impasto_style_set_count  (ImpastoStyleSet *set);
void                     impasto_style_set_free   (ImpastoStyleSet *set);

G_END_DECLS

#endif
