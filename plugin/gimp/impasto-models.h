/* The style models a user can pick: the user's model folder (what
 * models/fetch installs) and the styles that ship with Impasto. Plain GLib:
 * listing models never loads LibTorch. The folders follow the same rules as
 * the core's default_model_dir() and builtin_styles_dir(). */
#ifndef IMPASTO_MODELS_H
#define IMPASTO_MODELS_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  gchar    *name;            /* what the settings store (folder or file name) */
  gchar    *display_name;    /* from impasto.json, else the name */
  gchar    *licence;         /* "" when unknown */
  gchar    *format;          /* "ml5", "pytorch", "adain", "torchscript" */
  gchar    *path;
  gchar    *thumbnail;       /* a picture of the style, or NULL */
  gboolean  builtin;         /* ships with Impasto */
  gboolean  needs_style;     /* arbitrary-style model (AdaIN): takes a style image */
} ImpastoModelInfo;

/* $IMPASTO_MODEL_DIR, else $XDG_DATA_HOME/impasto/models, else
 * ~/.local/share/impasto/models. */
gchar  *impasto_user_model_dir      (void);
/* $IMPASTO_STYLES_DIR, else the installed styles folder. */
gchar  *impasto_builtin_styles_dir  (void);

/* Every usable model, the user's first; a user model hides a built-in one
 * of the same name. Each sorted by display name. Free with
 * impasto_model_list_free(). */
GList  *impasto_list_models         (void);
void    impasto_model_list_free     (GList *models);

G_END_DECLS

#endif
