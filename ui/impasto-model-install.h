/* Add model… and Download… under the dialog's list of pretrained styles:
 * they bring a style model into the user's model folder. The list itself
 * stays the dialog's, which is told when a model has arrived. */
#ifndef IMPASTO_MODEL_INSTALL_H
#define IMPASTO_MODEL_INSTALL_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* FALSE with a translated *error when the model at path cannot be used
 * (it is loaded and run once on a tiny picture). */
typedef gboolean (*ImpastoModelCheck)   (const gchar *path, GError **error, gpointer data);
/* A model is now listed under name in the user's model folder. */
typedef void     (*ImpastoModelArrived) (const gchar *name, gpointer data);

/* Both buttons and a line for what they have to say. check may be NULL
 * (no check beyond the model's file layout). */
GtkWidget *impasto_model_install_new      (ImpastoModelCheck   check,
                                           gpointer            check_data,
                                           ImpastoModelArrived arrived,
                                           gpointer            data);

/* What the buttons do after the user's choice, for tests: add the model a
 * chosen file stands for; open the download window with name selected and
 * start downloading it. */
void       impasto_model_install_add      (GtkWidget   *install,
                                           const gchar *chosen);
void       impasto_model_install_download (GtkWidget   *install,
                                           const gchar *name);
/* What the buttons or the download window said last, and whether a
 * download is running, for tests. */
const gchar *impasto_model_install_message (GtkWidget  *install);
gboolean     impasto_model_install_busy    (GtkWidget  *install);

G_END_DECLS

#endif
