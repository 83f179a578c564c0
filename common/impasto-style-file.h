/* Style image files, read without taking the process down. GEGL 0.4.42's
 * JPEG loader (gegl:load) keeps libjpeg's default error handler, which
 * calls exit() on a file that is not a JPEG: inside GIMP that is "Plug-in
 * crashed". gdk-pixbuf's loaders report such files as errors instead.
 * Front-end neutral (GLib and gdk-pixbuf only): the GEGL ops read style
 * files with it and the dialog checks a chosen file with it. */
#ifndef IMPASTO_STYLE_FILE_H
#define IMPASTO_STYLE_FILE_H

#include <glib.h>

G_BEGIN_DECLS

/* Larger style images are refused: a file is decoded whole (4 bytes a
 * pixel) for a picture the core reduces to a few hundred pixels anyway. */
#define IMPASTO_STYLE_FILE_MAX_PIXELS (100.0 * 1000 * 1000)

/* Checks that path is an image file Impasto can read (a regular file,
 * a format gdk-pixbuf recognises from its content, not empty, at most
 * IMPASTO_STYLE_FILE_MAX_PIXELS), from its header only. On success sets
 * *width and *height (either may be NULL); else a translated *error. */
gboolean impasto_style_file_check (const gchar *path,
                                   gint        *width,
                                   gint        *height,
                                   GError     **error);

/* Reads path as non-premultiplied R'G'B'A float, reduced (never enlarged)
 * so that its longer side is at most max_side. Returns a g_malloc'ed
 * width x height x 4 array, or NULL with a translated *error. */
gfloat  *impasto_style_file_read  (const gchar *path,
                                   gint         max_side,
                                   gint        *width,
                                   gint        *height,
                                   GError     **error);

G_END_DECLS

#endif
