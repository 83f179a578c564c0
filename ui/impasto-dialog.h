/* The Style Transfer dialog (GTK 2, libgimpwidgets): both methods, every
 * setting, and a round trip to ImpastoSettings. What only a running GIMP can
 * make (the layer picker, the preview, help) comes from the host, so the
 * dialog can be built, driven and photographed outside GIMP in tests. */
#ifndef IMPASTO_DIALOG_H
#define IMPASTO_DIALOG_H

#include <gtk/gtk.h>

#include "impasto-settings.h"

G_BEGIN_DECLS

typedef struct
{
  /* A GimpIntComboBox whose values are drawable IDs (in GIMP, a
   * GimpDrawableComboBox over every open image). */
  GtkWidget     *(*new_layer_picker) (gpointer data);
  /* The preview widget shown at the left, or NULL for none. */
  GtkWidget     *(*new_preview)      (gpointer data);
  void           (*help)             (const gchar *help_id, gpointer help_data);
  gpointer        data;
  /* ImpastoModelInfo list (impasto-models.h), borrowed. */
  GList          *models;
  /* A window to stay above, or NULL (in GIMP the plug-in makes the dialog
   * transient to the image window itself). */
  GtkWindow      *parent;
  /* Rough seconds the optimisation with these settings takes on the layer
   * (layer_width x layer_height), shown under Quality; NULL: not shown. */
  gdouble       (*estimate_seconds) (const ImpastoSettings *settings, gpointer data);
  gint            layer_width, layer_height;
  /* Loads and runs the model at path once (Add model… asks before it
   * copies a model); NULL: the file layout is all that is checked. */
  gboolean      (*check_model) (const gchar *path, GError **error, gpointer data);
} ImpastoDialogHost;

typedef struct _ImpastoDialog ImpastoDialog;

ImpastoDialog *impasto_dialog_new          (const ImpastoSettings   *initial,
                                            const ImpastoDialogHost *host);
GtkWidget     *impasto_dialog_get_window   (ImpastoDialog           *dialog);
/* Reads every widget into *settings (fields the dialog does not show keep
 * the values the dialog was opened with). */
void           impasto_dialog_get_settings (ImpastoDialog           *dialog,
                                            ImpastoSettings         *settings);
void           impasto_dialog_set_settings (ImpastoDialog           *dialog,
                                            const ImpastoSettings   *settings);
/* Called whenever a setting changes (to restart the preview). */
void           impasto_dialog_on_change    (ImpastoDialog           *dialog,
                                            GCallback                callback,
                                            gpointer                 data);
/* A widget or adjustment by the settings key it edits ("style-weight",
 * "model", "method-gatys", ...), for tests. */
GObject       *impasto_dialog_lookup       (ImpastoDialog           *dialog,
                                            const gchar             *key);
/* TRUE when OK is sensitive: a style (layer or readable file) or a model is
 * chosen; otherwise the dialog says what is missing. */
gboolean       impasto_dialog_is_ready     (ImpastoDialog           *dialog);
/* Runs the dialog (Reset handled inside); TRUE when the user pressed OK,
 * with *settings filled. */
gboolean       impasto_dialog_run          (ImpastoDialog           *dialog,
                                            ImpastoSettings         *settings);
void           impasto_dialog_destroy      (ImpastoDialog           *dialog);

G_END_DECLS

#endif
