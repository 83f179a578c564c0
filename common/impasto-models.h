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
  gchar    *path;            /* NULL for a style not installed (catalogue) */
  gchar    *description;     /* one line about the style, "" when unknown */
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

/* $IMPASTO_CATALOGUE_DIR, else the installed catalogue: the download
 * program (fetch), its manifest.json and thumbnails of its styles. */
gchar  *impasto_catalogue_dir       (void);
/* The catalogue's pretrained styles and loss networks (Tiny Darknet) that
 * are not in the user's model folder yet and can be downloaded with every
 * file's sha256 checked.
 * Sorted by display name; free with impasto_model_list_free(). */
GList  *impasto_list_downloadable   (void);

/* What a file the user chose stands for: the model folder when the file
 * is one of a folder model's own files (an ml5 manifest.json, AdaIN's
 * decoder.pth), else the file itself when it is a model file (.pth, or
 * .pt with its .json). NULL with a translated *error otherwise. */
gchar  *impasto_model_root          (const gchar *chosen, GError **error);
/* Copies the model at root (see impasto_model_root) into the user's
 * model folder under a name no model there has yet, through a hidden
 * folder moved into place at the end, so a failed copy leaves nothing.
 * The caller checks that the model loads first. Returns the name it is
 * listed under, or NULL with a translated *error. */
gchar  *impasto_model_add           (const gchar *root, GError **error);

G_END_DECLS

#endif
