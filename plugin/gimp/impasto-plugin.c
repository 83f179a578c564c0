/* Impasto's GIMP 2.10 plug-in: the PDB procedures, as a thin shim that
 * fills an ImpastoSettings from the arguments and hands it to
 * impasto-render. No GTK on the non-interactive path. */
#include "impasto-config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "impasto-dialog.h"
#include "impasto-models.h"
#include "impasto-parameters.h"
#include "impasto-pdb.h"
#include "impasto-preview.h"
#include "impasto-render.h"
#include "impasto-settings.h"
#include "impasto-style-file.h"

#define PROC_GATYS    "plug-in-impasto-gatys"
#define PROC_MODEL    "plug-in-impasto-model"
#define PROC_RERENDER "plug-in-impasto-rerender"
#define PROC_FRAMES   "plug-in-impasto-frames"
#define PROC_BATCH_CHECK "plug-in-impasto-batch-check"
#define PROC_BATCH_SAY   "plug-in-impasto-batch-say"

static void query (void);
static void run   (const gchar *name, gint nparams, const GimpParam *params,
                   gint *nreturn_vals, GimpParam **return_vals);

const GimpPlugInInfo PLUG_IN_INFO = { NULL, NULL, query, run };

MAIN ()

static const GimpParamDef rerender_args[] =
{
  { GIMP_PDB_INT32,    "run-mode", "The run mode { RUN-INTERACTIVE (0), RUN-NONINTERACTIVE (1) }" },
  { GIMP_PDB_IMAGE,    "image",    "Input image" },
  { GIMP_PDB_DRAWABLE, "drawable", "An Impasto layer, re-rendered from its source with its stored settings" },
};

/* For the batch script (impasto-batch.scm). */
static const GimpParamDef batch_check_args[] =
{
  { GIMP_PDB_INT32,  "run-mode",   "The run mode { RUN-NONINTERACTIVE (1) }" },
  { GIMP_PDB_STRING, "style-file", "Style image file to check, or \"\" for none" },
  { GIMP_PDB_STRING, "out-dir",    "Output folder to check: it must exist and be writable" },
};

static const GimpParamDef batch_say_args[] =
{
  { GIMP_PDB_INT32,  "run-mode", "The run mode { RUN-NONINTERACTIVE (1) }" },
  { GIMP_PDB_STRING, "text",     "One line to write to GIMP's standard output" },
};

static const GimpParamDef result_values[] =
{
  { GIMP_PDB_LAYER, "layer", "The Impasto layer (new, or the re-rendered one)" },
};

static const GimpParamDef frames_values[] =
{
  { GIMP_PDB_IMAGE, "new-image", "A new image with one stylised layer per frame, in the same order and with the "
                                 "same names (timing tags such as (100ms) kept)" },
};

static void
query (void)
{
  gchar        *help_uri;
  GimpParamDef *args;
  gint          n_args;

  gimp_plugin_domain_register (GETTEXT_PACKAGE, LOCALEDIR);
  /* The dialog's Help button: GIMP finds data/help/<locale>/gimp-help.xml
   * under this folder. */
  help_uri = g_filename_to_uri (IMPASTO_HELP_DIR, NULL, NULL);
  if (help_uri)
    gimp_plugin_help_register ("impasto-help", help_uri);
  g_free (help_uri);

  args = impasto_pdb_args (IMPASTO_METHOD_GATYS, &n_args);
  gimp_install_procedure (PROC_GATYS,
                          N_("Repaint the layer in the style of a painting (neural style transfer)"),
                          "Optimisation-based neural style transfer (Gatys et al.): the layer is repainted "
                          "step by step until its textures match those of the style image while its shapes "
                          "stay those of the original. The result is added as a new layer above the source, "
                          "masked by the selection if there is one, with its settings stored on it so that "
                          "running Impasto on that layer re-renders it. Style from a layer of any open image "
                          "and/or image files, blended by weight.",
                          "Impasto authors", "Impasto authors", "2026",
                          N_("Style _Transfer..."),
                          "RGB*, GRAY*",
                          GIMP_PLUGIN,
                          n_args, G_N_ELEMENTS (result_values), args, result_values);
  impasto_pdb_args_free (args, n_args);
  gimp_plugin_menu_register (PROC_GATYS, "<Image>/Filters/Artistic");

  args = impasto_pdb_args (IMPASTO_METHOD_MODEL, &n_args);
  gimp_install_procedure (PROC_MODEL,
                          N_("Repaint the layer with a pretrained style model (fast neural style transfer)"),
                          "Stylises the layer in one pass with a pretrained feed-forward model (more can be added "
                          "or downloaded from the Style Transfer dialog). Large images are processed in tiles. The result is added as a new "
                          "layer above the source, masked by the selection if there is one, with its settings "
                          "stored on it so that running Impasto on that layer re-renders it.",
                          "Impasto authors", "Impasto authors", "2026",
                          N_("_Pretrained Style..."),
                          "RGB*, GRAY*",
                          GIMP_PLUGIN,
                          n_args, G_N_ELEMENTS (result_values), args, result_values);
  impasto_pdb_args_free (args, n_args);
  gimp_plugin_menu_register (PROC_MODEL, "<Image>/Filters/Artistic");

  args = impasto_pdb_args (IMPASTO_PDB_FRAMES, &n_args);
  gimp_install_procedure (PROC_FRAMES,
                          N_("Stylise every layer of an animation as a frame, without flicker"),
                          "Stylises each layer as a frame of an animation, in GIMP's order (the bottom layer "
                          "is the first frame), with either method: each frame follows the motion from the "
                          "frame before (optical flow), so the brushwork moves with the picture instead of "
                          "flickering. Each frame is the layer as the animation shows it, at its offsets on "
                          "the image's canvas. The result is a new image with one layer per frame, named as "
                          "the source layers, so frame timing tags such as (100ms) are kept and the GIF "
                          "export plays it; the source image is not changed. method chooses between the "
                          "optimisation's arguments and the pretrained model's; the other method's are "
                          "ignored.",
                          "Impasto authors", "Impasto authors", "2026",
                          N_("Stylise _Frames..."),
                          "RGB*, GRAY*, INDEXED*",
                          GIMP_PLUGIN,
                          n_args, G_N_ELEMENTS (frames_values), args, frames_values);
  impasto_pdb_args_free (args, n_args);
  gimp_plugin_menu_register (PROC_FRAMES, "<Image>/Filters/Animation");

  gimp_install_procedure (PROC_RERENDER,
                          N_("Re-render an Impasto layer with its stored settings"),
                          "Runs the style transfer stored on an Impasto layer again, from its source layer, "
                          "and puts the result in the layer's place: a new layer with the same name, position, "
                          "mask and tattoo, which it returns (one undo step).",
                          "Impasto authors", "Impasto authors", "2026",
                          NULL, "RGB*, GRAY*", GIMP_PLUGIN,
                          G_N_ELEMENTS (rerender_args), G_N_ELEMENTS (result_values),
                          rerender_args, result_values);

  gimp_install_procedure (PROC_BATCH_CHECK,
                          "Check a batch run's style image and output folder before any work",
                          "Fails with a message when the style image cannot be read as an image (the same "
                          "check as the style transfer's) or the output folder does not exist or cannot be "
                          "written to. Used by script-fu-impasto-batch before its first photo.",
                          "Impasto authors", "Impasto authors", "2026",
                          NULL, "", GIMP_PLUGIN,
                          G_N_ELEMENTS (batch_check_args), 0, batch_check_args, NULL);

  gimp_install_procedure (PROC_BATCH_SAY,
                          "Write a line to GIMP's standard output",
                          "Writes the text and a newline to the standard output GIMP was started with, at its "
                          "current end, so that a batch run's lines come in order and are not written over "
                          "when the output is a file. Used by script-fu-impasto-batch.",
                          "Impasto authors", "Impasto authors", "2026",
                          NULL, "", GIMP_PLUGIN,
                          G_N_ELEMENTS (batch_say_args), 0, batch_say_args, NULL);
}

/* plug-in-impasto-batch-check: FALSE with *error when the batch cannot
 * start. */
static gboolean
batch_check (const gchar *style_file, const gchar *out_dir, GError **error)
{
  if (style_file && *style_file && !impasto_style_file_check (style_file, NULL, NULL, error))
    return FALSE;
  if (!out_dir || !g_file_test (out_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                   _("The output folder \"%s\" does not exist."), out_dir ? out_dir : "");
      return FALSE;
    }
  if (access (out_dir, W_OK) != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ACCES,
                   _("The output folder \"%s\" cannot be written to."), out_dir);
      return FALSE;
    }
  return TRUE;
}

/* The batch helpers: no image, no drawable, no GEGL. */
static void
run_batch_helper (const gchar *name, gint nparams, const GimpParam *params, GimpParam *values, gint *nreturn_vals)
{
  GError *error = NULL;

  *nreturn_vals = 1;
  values[0].type = GIMP_PDB_STATUS;
  values[0].data.d_status = GIMP_PDB_SUCCESS;
  if (!strcmp (name, PROC_BATCH_SAY))
    {
      if (nparams != G_N_ELEMENTS (batch_say_args))
        values[0].data.d_status = GIMP_PDB_CALLING_ERROR;
      else
        {
          /* GIMP's own stdout (inherited), one write per line. */
          gchar *line = g_strconcat (params[1].data.d_string ? params[1].data.d_string : "", "\n", NULL);

          fputs (line, stdout);
          fflush (stdout);
          g_free (line);
        }
      return;
    }
  if (nparams != G_N_ELEMENTS (batch_check_args))
    values[0].data.d_status = GIMP_PDB_CALLING_ERROR;
  else if (!batch_check (params[1].data.d_string, params[2].data.d_string, &error))
    {
      *nreturn_vals = 2;
      values[0].data.d_status = GIMP_PDB_EXECUTION_ERROR;
      values[1].type = GIMP_PDB_STRING;
      values[1].data.d_string = error->message;  /* valid: the plug-in exits after returning */
    }
}

/* The style the settings name exists (the optimisation needs one), and
 * the settings are in range. */
static gboolean
check_style_and_settings (const ImpastoSettings *s, GError **error)
{
  if (s->style_drawable > 0 && (!gimp_item_is_valid (s->style_drawable) || !gimp_item_is_drawable (s->style_drawable)))
    {
      g_set_error_literal (error, G_FILE_ERROR, 0, _("The style layer does not exist (was its image closed?)."));
      return FALSE;
    }
  if (s->method == IMPASTO_METHOD_GATYS && s->style_drawable <= 0 && !s->style_path[0])
    {
      g_set_error_literal (error, G_FILE_ERROR, 0, _("Choose a style: a style layer or a style image file."));
      return FALSE;
    }
  return impasto_settings_validate (s, error);
}

static gboolean
check_inputs (gint32 image, gint32 drawable, const ImpastoSettings *s, GError **error)
{
  if (!gimp_image_is_valid (image) || !gimp_item_is_valid (drawable) || !gimp_item_is_drawable (drawable) ||
      gimp_item_get_image (drawable) != image)
    {
      g_set_error_literal (error, G_FILE_ERROR, 0, _("The image or layer to stylise does not exist."));
      return FALSE;
    }
  if (gimp_drawable_is_indexed (drawable))
    {
      g_set_error_literal (error, G_FILE_ERROR, 0,
                           _("Impasto works on RGB and grayscale images; convert indexed images first (Image ▸ Mode)."));
      return FALSE;
    }
  if (!gimp_selection_is_empty (image))
    {
      gint x, y, w, h;

      /* The result would be masked away entirely: say so before minutes of work. */
      if (!gimp_drawable_mask_intersect (drawable, &x, &y, &w, &h))
        {
          g_set_error_literal (error, G_FILE_ERROR, 0,
                               _("The selection does not touch this layer, so nothing would change; "
                                 "select part of the layer, or nothing."));
          return FALSE;
        }
    }
  return check_style_and_settings (s, error);
}

/* The settings stored on an Impasto layer, with its style layer found
 * again. FALSE without *error when the layer has none. */
static gboolean
stored_settings (gint32 image, gint32 layer, ImpastoSettings *s, GError **error)
{
  ImpastoLinks links;
  gint32       source;

  return impasto_read_layer_settings (layer, s, &links, error) &&
         impasto_resolve_links (image, &links, &source, &s->style_drawable, error);
}

/* Renders and puts the result in the image; returns the Impasto layer. */
static gint32
stylise (gint32 image, gint32 drawable, const ImpastoSettings *s, const gchar *stage, GError **error)
{
  ImpastoSettings stored;
  ImpastoLinks    links;
  GError         *parse_error = NULL;
  gint32          source = drawable, stored_style = -1, target = -1;
  GeglBuffer     *result;

  /* Running on an Impasto layer re-renders it from its source. */
  if (impasto_read_layer_settings (drawable, &stored, &links, &parse_error))
    {
      if (!impasto_resolve_links (image, &links, &source, &stored_style, error))
        return -1;
      target = drawable;
    }
  else if (parse_error)
    {
      g_propagate_error (error, parse_error);
      return -1;
    }
  if (!check_inputs (image, source, s, error))
    return -1;

  gimp_progress_init (stage);
  result = impasto_render (source, s, error);
  if (!result)
    return -1;
  impasto_links_for (image, source, s->style_drawable, &links);
  if (target > 0)
    target = impasto_update_result_layer (image, target, result, s, &links, error);
  else
    {
      target = impasto_add_result_layer (image, source, result, s, &links, error);
    }
  g_object_unref (result);
  gimp_progress_update (1.0);
  return target;
}

/* ---- Stylise Frames -------------------------------------------------------- */

/* What Stylise Frames keeps as its last values. */
typedef struct
{
  ImpastoSettings settings;
  gdouble         consistency;
} FramesValues;

/* The frames of an animation: the image's layers, bottom first (the order
 * of GIMP's playback and GIF export). */
static gint32 *
frames_of (gint32 image, gint *n)
{
  gint32 *layers = gimp_image_get_layers (image, n);
  gint    i;

  for (i = 0; i < *n / 2; i++)
    {
      gint32 top = layers[i];

      layers[i]          = layers[*n - 1 - i];
      layers[*n - 1 - i] = top;
    }
  return layers;
}

/* A frame as the animation shows it: the layer at its offsets on a
 * transparent canvas of the image's size. */
static GeglBuffer *
frame_buffer (gint32 image, gint32 layer)
{
  GeglBuffer   *frame  = gegl_buffer_new (GEGL_RECTANGLE (0, 0, gimp_image_width (image), gimp_image_height (image)),
                                          babl_format ("R'G'B'A float"));
  GeglBuffer   *pixels = gimp_drawable_get_buffer (layer);
  GeglRectangle to     = *gegl_buffer_get_extent (pixels);

  gimp_drawable_offsets (layer, &to.x, &to.y);
  gegl_buffer_copy (pixels, NULL, GEGL_ABYSS_NONE, frame, &to);
  g_object_unref (pixels);
  return frame;
}

static gboolean
check_frames (gint32 image, const ImpastoSettings *s, GError **error)
{
  gint    n = 0;
  gint32 *layers = gimp_image_is_valid (image) ? gimp_image_get_layers (image, &n) : NULL;

  g_free (layers);
  if (n < 1)
    {
      g_set_error_literal (error, G_FILE_ERROR, 0, _("The image has no layers to stylise as frames."));
      return FALSE;
    }
  return check_style_and_settings (s, error);
}

/* The new image of stylised frames, made only once every frame is done:
 * a failed or cancelled run leaves nothing behind. */
static gint32
new_frames_image (gint32 image, const gint32 *frames, GeglBuffer **results, gint n)
{
  gint32 out = gimp_image_new (gimp_image_width (image), gimp_image_height (image), GIMP_RGB);
  gint   i;

  gimp_image_undo_disable (out);
  for (i = 0; i < n; i++)
    {
      gchar     *name  = gimp_item_get_name (frames[i]);
      gint32     layer = gimp_layer_new (out, name, gimp_image_width (image), gimp_image_height (image),
                                         GIMP_RGBA_IMAGE, 100.0, GIMP_LAYER_MODE_NORMAL);
      GeglBuffer *pixels;

      /* Each frame above the one before: the last ends on top, as in the source. */
      gimp_image_insert_layer (out, layer, 0, 0);
      pixels = gimp_drawable_get_buffer (layer);
      gegl_buffer_copy (results[i], NULL, GEGL_ABYSS_NONE, pixels, NULL);
      g_object_unref (pixels);
      g_free (name);
    }
  gimp_image_undo_enable (out);
  return out;
}

/* Stylises every layer of `image` as a frame; the new image, or -1 with *error. */
static gint32
stylise_frames (gint32 image, const ImpastoSettings *s, gdouble consistency, GError **error)
{
  ImpastoPreviousFrame previous = { NULL, NULL, consistency };
  GeglBuffer         **results;
  gint32              *frames, out = -1;
  gint                 n = 0, done;

  if (!check_frames (image, s, error))
    return -1;
  frames  = frames_of (image, &n);
  results = g_new0 (GeglBuffer *, n);
  gimp_progress_init (_("Stylising frames"));
  for (done = 0; done < n; done++)
    {
      GeglBuffer *frame = frame_buffer (image, frames[done]);

      results[done] = impasto_render_frame_buffer (frame, s, done ? &previous : NULL, done, n, error);
      g_free ((gpointer) previous.frame);
      g_free ((gpointer) previous.result);
      previous.frame  = results[done] ? impasto_buffer_pixels (frame) : NULL;
      previous.result = results[done] ? impasto_buffer_pixels (results[done]) : NULL;
      g_object_unref (frame);
      if (!results[done])
        break;
    }
  if (done == n)
    out = new_frames_image (image, frames, results, n);
  g_free ((gpointer) previous.frame);
  g_free ((gpointer) previous.result);
  for (done = 0; done < n; done++)
    g_clear_object (&results[done]);
  g_free (results);
  g_free (frames);
  gimp_progress_update (1.0);
  return out;
}

static gboolean dialog (gint32 drawable, ImpastoSettings *s);

/* plug-in-impasto-frames: the settings from the arguments, or from the
 * dialog (the Style Transfer dialog of both methods) and the last values. */
static void
run_frames (GimpRunMode run_mode, gint nparams, const GimpParam *params, GimpParam *values, gint *nreturn_vals)
{
  FramesValues last;
  GError      *error = NULL;
  gint32       image = params[1].data.d_image, out = -1;

  *nreturn_vals = 2;
  values[0].type = GIMP_PDB_STATUS;
  values[0].data.d_status = GIMP_PDB_SUCCESS;
  values[1].type = GIMP_PDB_IMAGE;
  values[1].data.d_image = -1;
  impasto_settings_init (&last.settings);
  last.consistency = impasto_parameter_consistency ()->default_value;
  if (run_mode == GIMP_RUN_NONINTERACTIVE)
    {
      if (nparams != impasto_pdb_n_args (IMPASTO_PDB_FRAMES))
        {
          *nreturn_vals = 1;
          values[0].data.d_status = GIMP_PDB_CALLING_ERROR;
          return;
        }
      if (impasto_pdb_read_settings (IMPASTO_PDB_FRAMES, params, &last.settings, &last.consistency, &error))
        last.settings.method = params[3].data.d_int32 == IMPASTO_METHOD_MODEL ? IMPASTO_METHOD_MODEL
                                                                               : IMPASTO_METHOD_GATYS;
    }
  else
    {
      gimp_get_data (PROC_FRAMES, &last);
      if (run_mode == GIMP_RUN_INTERACTIVE && !dialog (params[2].data.d_drawable, &last.settings))
        {
          *nreturn_vals = 1;
          values[0].data.d_status = GIMP_PDB_CANCEL;
          return;
        }
    }
  if (!error)
    out = stylise_frames (image, &last.settings, last.consistency, &error);
  if (out < 0)
    {
      values[0].data.d_status = GIMP_PDB_EXECUTION_ERROR;
      values[1].type = GIMP_PDB_STRING;
      values[1].data.d_string = error ? error->message : (gchar *) _("Style transfer failed.");
      return;
    }
  values[1].data.d_image = out;
  gimp_set_data (PROC_FRAMES, &last, sizeof last);
  if (run_mode != GIMP_RUN_NONINTERACTIVE)
    {
      gimp_display_new (out);
      gimp_displays_flush ();
    }
}

/* ---- the dialog (INTERACTIVE only: no GTK on the other paths) ------------- */

/* The layer being stylised, for the style layer picker (one dialog per
 * plug-in process). */
static gint32 dialog_drawable = -1;

static void
add_style_layers (GtkWidget *combo, gint32 image, gboolean own_image)
{
  gchar  *file   = gimp_image_get_filename (image);
  gchar  *title  = file ? g_path_get_basename (file) : gimp_image_get_name (image);
  gint    n      = 0, i;
  gint32 *layers = gimp_image_get_layers (image, &n);

  for (i = 0; i < n; i++)
    {
      GimpParasite *parasite;
      gchar        *name, *label;

      if (layers[i] == dialog_drawable || gimp_item_is_group (layers[i]))
        continue;
      /* Impasto's own results are no paintings. */
      parasite = gimp_item_get_parasite (layers[i], IMPASTO_PARASITE_NAME);
      if (parasite)
        {
          gimp_parasite_free (parasite);
          continue;
        }
      name  = gimp_item_get_name (layers[i]);
      label = own_image ? g_strdup_printf (_("%s (this image)"), name) : g_strdup_printf ("%s: %s", title, name);
      gimp_int_combo_box_append (GIMP_INT_COMBO_BOX (combo), GIMP_INT_STORE_VALUE, layers[i],
                                 GIMP_INT_STORE_LABEL, label, -1);
      g_free (label);
      g_free (name);
    }
  g_free (layers);
  g_free (title);
  g_free (file);
}

/* Layers a style can come from, named "painting.jpg: Background": other
 * images' first (the painting the user opened), then the other layers of
 * this image; the layer itself and Impasto's results are left out. */
static GtkWidget *
new_layer_picker (gpointer data)
{
  GtkWidget *combo = g_object_new (GIMP_TYPE_INT_COMBO_BOX, NULL);
  gint32     own   = gimp_item_get_image (dialog_drawable);
  gint       n     = 0, i;
  gint32    *images = gimp_image_list (&n);

  for (i = 0; i < n; i++)
    if (images[i] != own)
      add_style_layers (combo, images[i], FALSE);
  add_style_layers (combo, own, TRUE);
  g_free (images);
  gtk_combo_box_set_active (GTK_COMBO_BOX (combo), 0);
  return combo;
}

static GtkWidget *
new_preview (gpointer data)
{
  return impasto_preview_widget (data);
}

static gdouble
estimate_seconds (const ImpastoSettings *s, gpointer data)
{
  return impasto_render_seconds (s, gimp_drawable_width (dialog_drawable), gimp_drawable_height (dialog_drawable));
}

/* Add model… asks this before copying a model: it is loaded and run once
 * on a small grey picture through the same operation a render uses, so a
 * damaged or foreign file is refused with the operation's own message. */
static gboolean
check_model (const gchar *path, GError **error, gpointer data)
{
  const GeglRectangle rect = { 0, 0, 32, 32 };
  GeglBuffer         *picture = gegl_buffer_new (&rect, babl_format ("R'G'B'A float"));
  GeglColor          *grey = gegl_color_new ("rgb(0.5, 0.5, 0.5)");
  ImpastoSettings     s;
  GeglBuffer         *result;

  gegl_buffer_set_color (picture, &rect, grey);
  impasto_settings_init (&s);
  s.method = IMPASTO_METHOD_MODEL;
  g_strlcpy (s.model, path, sizeof s.model);
  /* An arbitrary-style model (AdaIN) takes the picture as its style too. */
  result = impasto_render_buffers (picture, picture, &s, NULL, NULL, NULL, error);
  g_clear_object (&result);
  g_object_unref (grey);
  g_object_unref (picture);
  return !error || !*error;
}

static void
settings_changed (ImpastoDialog *d, gpointer data)
{
  ImpastoSettings s;

  impasto_dialog_get_settings (d, &s);
  impasto_preview_update (data, &s);
}

/* Shows the Style Transfer dialog for `drawable` on *s; FALSE when
 * cancelled. */
static gboolean
dialog (gint32 drawable, ImpastoSettings *s)
{
  ImpastoDialogHost  host = { 0 };
  ImpastoDialog     *d;
  ImpastoPreview    *preview;
  gboolean           ok;

  gimp_ui_init ("impasto", FALSE);
  dialog_drawable = drawable;
  preview = impasto_preview_new (drawable);
  host.new_layer_picker = new_layer_picker;
  host.new_preview      = new_preview;
  host.help             = gimp_standard_help_func;
  host.data             = preview;
  host.models           = impasto_list_models ();
  host.estimate_seconds = estimate_seconds;
  host.check_model      = check_model;
  host.layer_width      = gimp_drawable_width (drawable);
  host.layer_height     = gimp_drawable_height (drawable);
  d = impasto_dialog_new (s, &host);
  gimp_window_set_transient (GTK_WINDOW (impasto_dialog_get_window (d)));
  impasto_dialog_on_change (d, G_CALLBACK (settings_changed), preview);
  settings_changed (d, preview);
  ok = impasto_dialog_run (d, s);
  impasto_preview_free (preview);
  impasto_dialog_destroy (d);
  impasto_model_list_free (host.models);
  return ok;
}

static void
run (const gchar      *name,
     gint              nparams,
     const GimpParam  *params,
     gint             *nreturn_vals,
     GimpParam       **return_vals)
{
  static GimpParam  values[2];
  GimpRunMode       run_mode = params[0].data.d_int32;
  gint32            image    = -1;
  gint32            drawable = -1;
  ImpastoSettings   s;
  GError           *error = NULL;
  gint32            layer = -1;
  GimpPDBStatusType status = GIMP_PDB_SUCCESS;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  *return_vals = values;
  if (!strcmp (name, PROC_BATCH_SAY) || !strcmp (name, PROC_BATCH_CHECK))
    {
      run_batch_helper (name, nparams, params, values, nreturn_vals);
      return;
    }
  if (nparams >= 3)
    {
      image    = params[1].data.d_image;
      drawable = params[2].data.d_drawable;
    }
  gegl_init (NULL, NULL);
  if (!strcmp (name, PROC_FRAMES))
    {
      if (nparams < 3)
        {
          *nreturn_vals = 1;
          values[0].type = GIMP_PDB_STATUS;
          values[0].data.d_status = GIMP_PDB_CALLING_ERROR;
        }
      else
        run_frames (run_mode, nparams, params, values, nreturn_vals);
      return;
    }

  *nreturn_vals = 2;
  *return_vals  = values;
  values[0].type = GIMP_PDB_STATUS;
  values[1].type = GIMP_PDB_LAYER;
  values[1].data.d_layer = -1;

  /* GIMP leaves a new layer's mask active (after a run with a selection):
   * work on the layer that owns it. A channel is no picture to stylise:
   * refused before the dialog or any work. */
  if (gimp_item_is_valid (drawable) && gimp_item_is_layer_mask (drawable))
    drawable = gimp_layer_from_mask (drawable);
  if (gimp_item_is_valid (drawable) && !gimp_item_is_layer (drawable))
    g_set_error_literal (&error, G_FILE_ERROR, 0,
                         _("Impasto stylises layers, and a channel is active: click a layer in the Layers dialog first."));
  else if (!strcmp (name, PROC_RERENDER))
    {
      if (nparams != G_N_ELEMENTS (rerender_args))
        status = GIMP_PDB_CALLING_ERROR;
      else if (stored_settings (image, drawable, &s, &error))
        layer = stylise (image, drawable, &s, _("Style transfer"), &error);
      else if (!error)
        g_set_error_literal (&error, G_FILE_ERROR, 0, _("This layer was not made by Impasto; there is nothing to re-render."));
    }
  else if (run_mode == GIMP_RUN_NONINTERACTIVE)
    {
      gint method = !strcmp (name, PROC_MODEL) ? IMPASTO_METHOD_MODEL : IMPASTO_METHOD_GATYS;

      if (nparams != impasto_pdb_n_args (method))
        status = GIMP_PDB_CALLING_ERROR;
      else if (impasto_pdb_read_settings (method, params, &s, NULL, &error))
        layer = stylise (image, drawable, &s, _("Style transfer"), &error);
    }
  else
    {
      /* Interactive and last-values runs start from the stored settings of
       * an Impasto layer (re-edit), else the last values. */
      if (!stored_settings (image, drawable, &s, &error) && !error)
        {
          impasto_settings_init (&s);
          if (!strcmp (name, PROC_MODEL))
            s.method = IMPASTO_METHOD_MODEL;
          gimp_get_data (name, &s);
        }
      if (!error && run_mode == GIMP_RUN_INTERACTIVE && !dialog (drawable, &s))
        status = GIMP_PDB_CANCEL;
      else if (!error)
        layer = stylise (image, drawable, &s, _("Style transfer"), &error);
    }

  if (status == GIMP_PDB_SUCCESS && (error || layer <= 0))
    status = GIMP_PDB_EXECUTION_ERROR;
  if (status == GIMP_PDB_SUCCESS)
    {
      values[1].data.d_layer = layer;
      if (strcmp (name, PROC_RERENDER))
        gimp_set_data (s.method == IMPASTO_METHOD_MODEL ? PROC_MODEL : PROC_GATYS, &s, sizeof (s));
      if (run_mode != GIMP_RUN_NONINTERACTIVE)
        gimp_displays_flush ();
    }
  else if (status == GIMP_PDB_CANCEL)
    {
      *nreturn_vals = 1;
    }
  else
    {
      values[1].type = GIMP_PDB_STRING;
      values[1].data.d_string = error ? error->message : (gchar *) _("Wrong number of arguments.");
    }
  values[0].data.d_status = status;
  /* error->message stays valid: the plug-in exits after returning. */
}
