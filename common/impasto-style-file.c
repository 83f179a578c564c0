#include "impasto-config.h"

#include <math.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "impasto-style-file.h"

gboolean
impasto_style_file_check (const gchar *path,
                          gint        *width,
                          gint        *height,
                          GError     **error)
{
  gint w = 0, h = 0;

  if (!path || !*path || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The style image \"%s\" does not exist."), path ? path : "");
      return FALSE;
    }
  if (!gdk_pixbuf_get_file_info (path, &w, &h) || w <= 0 || h <= 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The style image \"%s\" could not be read as an image."), path);
      return FALSE;
    }
  if ((gdouble) w * h > IMPASTO_STYLE_FILE_MAX_PIXELS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   _("The style image \"%s\" is %d x %d pixels; style images of up to %.0f megapixels "
                     "can be used. Scale it down first."),
                   path, w, h, IMPASTO_STYLE_FILE_MAX_PIXELS / 1e6);
      return FALSE;
    }
  if (width)
    *width = w;
  if (height)
    *height = h;
  return TRUE;
}

gfloat *
impasto_style_file_read (const gchar *path,
                         gint         max_side,
                         gint        *width,
                         gint        *height,
                         GError     **error)
{
  GdkPixbuf *pixbuf;
  GError    *local = NULL;
  gint       w, h, x, y, channels, stride;
  gdouble    scale;
  gfloat    *pixels;

  if (!impasto_style_file_check (path, &w, &h, error))
    return NULL;
  /* Decoded whole, then reduced: the incremental loaders behind
   * gdk_pixbuf_new_from_file_at_size accept a file cut short. The pixel
   * limit above keeps the whole decode affordable. */
  pixbuf = gdk_pixbuf_new_from_file (path, &local);
  if (!pixbuf)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The style image \"%s\" could not be read as an image."), path);
      g_clear_error (&local);
      return NULL;
    }
  scale = MIN (1.0, (gdouble) MAX (1, max_side) / MAX (w, h));
  if (scale < 1.0)
    {
      GdkPixbuf *reduced = gdk_pixbuf_scale_simple (pixbuf, MAX (1, (gint) floor (w * scale)),
                                                    MAX (1, (gint) floor (h * scale)), GDK_INTERP_BILINEAR);

      g_object_unref (pixbuf);
      pixbuf = reduced;
      if (!pixbuf)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                       _("Not enough memory to read the style image %s."), path);
          return NULL;
        }
    }
  w        = gdk_pixbuf_get_width (pixbuf);
  h        = gdk_pixbuf_get_height (pixbuf);
  channels = gdk_pixbuf_get_n_channels (pixbuf);
  stride   = gdk_pixbuf_get_rowstride (pixbuf);
  if (gdk_pixbuf_get_bits_per_sample (pixbuf) != 8 || channels < 3)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The style image \"%s\" could not be read as an image."), path);
      g_object_unref (pixbuf);
      return NULL;
    }
  pixels = g_try_malloc ((gsize) w * h * 4 * sizeof (gfloat));
  if (!pixels)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   _("Not enough memory to read the style image %s."), path);
      g_object_unref (pixbuf);
      return NULL;
    }
  for (y = 0; y < h; y++)
    {
      const guchar *row = gdk_pixbuf_read_pixels (pixbuf) + (gsize) y * stride;
      gfloat       *out = pixels + (gsize) y * w * 4;

      for (x = 0; x < w; x++, row += channels, out += 4)
        {
          out[0] = row[0] / 255.0f;
          out[1] = row[1] / 255.0f;
          out[2] = row[2] / 255.0f;
          out[3] = channels == 4 ? row[3] / 255.0f : 1.0f;
        }
    }
  g_object_unref (pixbuf);
  *width  = w;
  *height = h;
  return pixels;
}
