/* The live preview in GIMP's Style Transfer dialog: GIMP's zoomable preview
 * of the layer, whose visible region is re-rendered in a background thread
 * whenever a setting, the zoom or the region changes (Draft quality for the
 * optimisation), with progress, time left and an immediate stop. Pixels are
 * read from GIMP only in the main thread. */
#ifndef IMPASTO_PREVIEW_H
#define IMPASTO_PREVIEW_H

#include <gtk/gtk.h>

#include "impasto-settings.h"

G_BEGIN_DECLS

typedef struct _ImpastoPreview ImpastoPreview;

ImpastoPreview *impasto_preview_new    (gint32                 drawable);
/* The widget to put in the dialog (owned by the dialog once packed). */
GtkWidget      *impasto_preview_widget (ImpastoPreview        *preview);
/* Starts a render of `settings`, superseding the one running. */
void            impasto_preview_update (ImpastoPreview        *preview,
                                        const ImpastoSettings *settings);
/* Stops the render and frees; call before the dialog is destroyed. */
void            impasto_preview_free   (ImpastoPreview        *preview);

G_END_DECLS

#endif
