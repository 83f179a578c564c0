/* The impasto command line: stylise image files or the frames of an
 * animation with either method, list the models, train new ones. A front
 * end like the GIMP plug-in: the options are the rows of
 * impasto/parameters.h (spelled as the GEGL properties), a run goes
 * through impasto_render_buffers (common/), and a
 * script can trust the exit status: 0 only when every input was written.
 * An output is written to a hidden file beside it and renamed into place,
 * so a failed or interrupted run never leaves a half-written file. */
#include "impasto-config.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gegl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "impasto-models.h"
#include "impasto-op-report.h"
#include "impasto-parameters.h"
#include "impasto-run.h"
#include "impasto-settings.h"
#include "impasto-style-file.h"

enum { EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_INTERRUPTED = 130 };

static gint interrupted = 0;

/* What one stylize or frames run was asked to do. */
typedef struct
{
  ImpastoSettings settings;
  GPtrArray      *inputs;      /* file names */
  const gchar    *output;      /* a file, or a folder for several inputs or frames */
  gboolean        json;
  gboolean        frames;      /* the inputs are an animation's frames, in order */
  gdouble         consistency; /* frames: the "consistency" row */
} Job;

/* ---- options ---------------------------------------------------------- */

/* Rows the command line sets through --style and --model instead. */
static gboolean
row_is_option (const ImpastoParameter *p)
{
  return strcmp (p->key, "method") != 0 && strcmp (p->key, "style-files") != 0 &&
         strcmp (p->key, "style-weights") != 0 && strcmp (p->key, "model") != 0;
}

static void
print_usage (FILE *to)
{
  const ImpastoParameter *rows;
  guint                   n, i;

  fprintf (to, "%s\n", _("Usage: impasto stylize (--style PAINTING[:WEIGHT]... | --model NAME) [options] INPUT... -o OUTPUT\n"
                         "       impasto frames (--style PAINTING[:WEIGHT]... | --model NAME) [options] FRAME... -o FOLDER\n"
                         "       impasto models [--json]\n"
                         "       impasto train [impasto-train options]"));
  fprintf (to, "\n%s\n", _("Stylises each INPUT into OUTPUT (a file for one input, else a folder, where each result keeps "
                           "its input's file name). --style optimises the picture against one or more paintings; --model "
                           "runs a pretrained style model. The exit status is 0 only when every output was written."));
  fprintf (to, "\n%s\n", _("frames stylises the frames of an animation, in the order given, into FOLDER under their own "
                           "file names; each frame follows the motion from the one before, so the brushwork does not "
                           "flicker. Every frame must have the same size."));
  fprintf (to, "\n%s\n", _("Options (default, range):"));
  fprintf (to, "  --json\n      %s\n", _("Print a machine-readable summary on standard output"));
  fprintf (to, "  --consistency VALUE  (%g, %g..%g)\n      %s\n", impasto_parameter_consistency ()->default_value,
           impasto_parameter_consistency ()->min, impasto_parameter_consistency ()->max,
           _(impasto_parameter_consistency ()->help));
  rows = impasto_parameters (&n);
  for (i = 0; i < n; i++)
    {
      const ImpastoParameter *p = &rows[i];
      gchar                  *range;
      gint                    v;

      if (!row_is_option (p))
        continue;
      switch (p->type)
        {
        case IMPASTO_TYPE_DOUBLE:
          range = g_strdup_printf ("%g, %g..%g", p->default_value, p->min, p->max);
          break;
        case IMPASTO_TYPE_INT:
          range = g_strdup_printf ("%.0f, %.0f..%.0f", p->default_value, p->min, p->max);
          break;
        case IMPASTO_TYPE_BOOL:
          range = g_strdup_printf ("%s, yes|no", p->default_value != 0 ? "yes" : "no");
          break;
        case IMPASTO_TYPE_ENUM:
          {
            GString *s = g_string_new (p->values[(gint) p->default_value].nick);

            g_string_append (s, ", ");
            for (v = 0; v < p->n_values; v++)
              g_string_append_printf (s, "%s%s", v ? "|" : "", p->values[v].nick);
            range = g_string_free (s, FALSE);
          }
          break;
        default:
          range = g_strdup_printf ("\"%s\"", p->default_text ? p->default_text : "");
          break;
        }
      fprintf (to, "  --%s VALUE  (%s)\n      %s\n", p->key, range, _(p->help));
      g_free (range);
    }
}

static gboolean
parse_bool (const gchar *text, gdouble *value)
{
  if (!g_ascii_strcasecmp (text, "yes") || !g_ascii_strcasecmp (text, "true") || !strcmp (text, "1"))
    *value = 1;
  else if (!g_ascii_strcasecmp (text, "no") || !g_ascii_strcasecmp (text, "false") || !strcmp (text, "0"))
    *value = 0;
  else
    return FALSE;
  return TRUE;
}

/* Sets the row's value from the text of its option; a translated error
 * names the option and what it takes. */
static gboolean
set_option (ImpastoSettings *settings, const ImpastoParameter *p, const gchar *text, GError **error)
{
  gdouble value = 0;
  gchar  *end   = NULL;

  switch (p->type)
    {
    case IMPASTO_TYPE_DOUBLE:
    case IMPASTO_TYPE_INT:
      value = g_ascii_strtod (text, &end);
      if (end == text || *end || value < p->min || value > p->max ||
          (p->type == IMPASTO_TYPE_INT && value != (gint64) value))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--%s takes a number from %g to %g, not \"%s\"."), p->key, p->min, p->max, text);
          return FALSE;
        }
      break;
    case IMPASTO_TYPE_BOOL:
      if (!parse_bool (text, &value))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--%s takes yes or no, not \"%s\"."), p->key, text);
          return FALSE;
        }
      break;
    case IMPASTO_TYPE_ENUM:
      value = impasto_parameter_enum_index (p, text);
      if (value < 0)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--%s does not take \"%s\"; see impasto stylize --help."), p->key, text);
          return FALSE;
        }
      break;
    default:
      if (!impasto_parameter_set_text (p, settings, text))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("--%s: the text is too long."), p->key);
          return FALSE;
        }
      return TRUE;
    }
  impasto_parameter_set (p, settings, value);
  return TRUE;
}

static gboolean
set_text (ImpastoSettings *settings, const gchar *key, const gchar *text, GError **error)
{
  if (impasto_parameter_set_text (impasto_parameter_find (key), settings, text))
    return TRUE;
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("--%s: the text is too long."), key);
  return FALSE;
}

/* --style PAINTING[:WEIGHT]: appended to the settings' files and weights. */
static gboolean
add_style (ImpastoSettings *settings, GString *files, GString *weights, const gchar *text, GError **error)
{
  const gchar *colon = strrchr (text, ':');
  gchar       *path  = NULL;
  gchar       *end   = NULL;
  gdouble      w     = 1.0;

  if (colon && colon[1])
    {
      w = g_ascii_strtod (colon + 1, &end);
      if (end != colon + 1 && !*end)
        path = g_strndup (text, colon - text);
    }
  if (!path)
    {
      path = g_strdup (text);
      w    = 1.0;
    }
  if (!(w > 0))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("A style's weight must be above 0: \"%s\"."), text);
      g_free (path);
      return FALSE;
    }
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, _("The painting \"%s\" does not exist."), path);
      g_free (path);
      return FALSE;
    }
  g_string_append_printf (files, "%s%s", files->len ? ":" : "", path);
  g_string_append_printf (weights, "%s%g", weights->len ? "," : "", w);
  g_free (path);
  return set_text (settings, "style-files", files->str, error) && set_text (settings, "style-weights", weights->str, error);
}

static gboolean
parse_stylize (Job *job, gint argc, gchar **argv, GError **error)
{
  GString *files   = g_string_new (NULL);
  GString *weights = g_string_new (NULL);
  gboolean style = FALSE, model = FALSE, ok = TRUE;
  gint     i;

  for (i = 0; ok && i < argc; i++)
    {
      const gchar *a = argv[i];

      if (!strcmp (a, "--json"))
        job->json = TRUE;
      else if ((!strcmp (a, "-o") || !strcmp (a, "--output")) && i + 1 < argc)
        job->output = argv[++i];
      else if (!strcmp (a, "--style") && i + 1 < argc)
        ok = style = add_style (&job->settings, files, weights, argv[++i], error);
      else if (job->frames && !strcmp (a, "--consistency") && i + 1 < argc)
        {
          gchar *end = NULL;

          job->consistency = g_ascii_strtod (argv[++i], &end);
          if (end == argv[i] || *end || !(job->consistency >= impasto_parameter_consistency ()->min &&
                                          job->consistency <= impasto_parameter_consistency ()->max))
            {
              g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--consistency: \"%s\" is not a number from 0 to 1."), argv[i]);
              ok = FALSE;
            }
        }
      else if (!strcmp (a, "--model") && i + 1 < argc)
        {
          ok    = set_text (&job->settings, "model", argv[++i], error);
          model = TRUE;
        }
      else if (g_str_has_prefix (a, "--") && i + 1 < argc && impasto_parameter_find (a + 2) &&
               row_is_option (impasto_parameter_find (a + 2)))
        {
          ok = set_option (&job->settings, impasto_parameter_find (a + 2), argv[i + 1], error);
          i++;
        }
      else if (a[0] == '-' && a[1])
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION,
                       _("Unknown option or missing value: \"%s\"."), a);
          ok = FALSE;
        }
      else
        g_ptr_array_add (job->inputs, (gpointer) a);
    }
  if (ok && style == model)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                           _("Give either --style PAINTING (optimisation) or --model NAME (pretrained model)."));
      ok = FALSE;
    }
  if (ok && (!job->inputs->len || !job->output))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, _("Give at least one INPUT and -o OUTPUT."));
      ok = FALSE;
    }
  job->settings.method = model ? IMPASTO_METHOD_MODEL : IMPASTO_METHOD_GATYS;
  g_string_free (files, TRUE);
  g_string_free (weights, TRUE);
  return ok && impasto_settings_validate (&job->settings, error);
}

/* ---- files ------------------------------------------------------------ */

/* Whether path is a PNG of 16 bits a channel (its IHDR's bit depth). */
static gboolean
is_deep_png (const gchar *path)
{
  guchar head[25];
  FILE  *f = g_fopen (path, "rb");
  gsize  n = f ? fread (head, 1, sizeof head, f) : 0;

  if (f)
    fclose (f);
  return n == sizeof head && !memcmp (head, "\x89PNG\r\n\x1a\n", 8) && head[24] == 16;
}

/* An input photo. Its content is checked first (impasto-style-file.h) and
 * it is decoded whole by gdk-pixbuf, which reports a damaged file as an
 * error (GEGL's loaders pass a truncated PNG off as a picture, and its
 * JPEG loader exits the process on a damaged file). A 16-bit PNG is then
 * read again through gegl:load, which keeps its precision. */
static GeglBuffer *
load_image (const gchar *path, GError **error)
{
  GeglNode      *graph, *load;
  GeglBuffer    *buffer = NULL;
  GeglRectangle  box;
  gint           width, height;
  gfloat        *rgba;

  if (!impasto_style_file_check (path, NULL, NULL, NULL))
    {
      g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                           _("The file is missing, or not an image of at most 100 megapixels that Impasto can read."));
      return NULL;
    }
  rgba = impasto_style_file_read (path, G_MAXINT, &width, &height, NULL);
  if (!rgba)
    {
      g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _("The image is damaged and cannot be read."));
      return NULL;
    }
  if (!is_deep_png (path))
    {
      buffer = gegl_buffer_new (GEGL_RECTANGLE (0, 0, width, height), babl_format ("R'G'B'A float"));
      gegl_buffer_set (buffer, NULL, 0, babl_format ("R'G'B'A float"), rgba, GEGL_AUTO_ROWSTRIDE);
      g_free (rgba);
      return buffer;
    }
  g_free (rgba);
  graph = gegl_node_new ();
  load  = gegl_node_new_child (graph, "operation", "gegl:load", "path", path, NULL);
  box   = gegl_node_get_bounding_box (load);
  if (box.width > 0 && box.height > 0)
    {
      buffer = gegl_buffer_new (GEGL_RECTANGLE (0, 0, box.width, box.height), babl_format ("R'G'B'A float"));
      gegl_node_blit_buffer (load, buffer, &box, 0, GEGL_ABYSS_NONE);
    }
  else
    g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _("The file is not an image GEGL can read."));
  g_object_unref (graph);
  return buffer;
}

/* Saves through a hidden file beside `path` (same extension, so gegl:save
 * picks the same format), renamed into place when complete. */
static gboolean
save_image (GeglBuffer *buffer, const gchar *path, GError **error)
{
  gchar       *dir  = g_path_get_dirname (path);
  gchar       *base = g_path_get_basename (path);
  gchar       *tmp  = g_strdup_printf ("%s/.%s.%d.part%s", dir, base, (gint) getpid (),
                                       strrchr (base, '.') ? strrchr (base, '.') : "");
  GeglNode    *graph = gegl_node_new ();
  GeglNode    *src   = gegl_node_new_child (graph, "operation", "gegl:buffer-source", "buffer", buffer, NULL);
  GeglNode    *save  = gegl_node_new_child (graph, "operation", "gegl:save", "path", tmp, NULL);
  gboolean     ok;

  gegl_node_link (src, save);
  gegl_node_process (save);
  g_object_unref (graph);
  ok = g_file_test (tmp, G_FILE_TEST_IS_REGULAR) && g_rename (tmp, path) == 0;
  if (!ok)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), _("Cannot write \"%s\"."), path);
      g_unlink (tmp);
    }
  g_free (tmp);
  g_free (base);
  g_free (dir);
  return ok;
}

/* Whether an output can be written at all, asked before any run: the
 * folder is writable and GEGL has a saver for the extension. */
static gboolean
check_output (const gchar *path, GError **error)
{
  static const gchar *const savers[][2] = {
    { ".png", "gegl:png-save" }, { ".jpg", "gegl:jpg-save" }, { ".jpeg", "gegl:jpg-save" },
    { ".tif", "gegl:tiff-save" }, { ".tiff", "gegl:tiff-save" }, { ".webp", "gegl:webp-save" },
    { ".exr", "gegl:exr-save" }, { ".ppm", "gegl:ppm-save" }, { ".pnm", "gegl:ppm-save" },
  };
  const gchar *dot = strrchr (path, '.');
  gchar       *dir = g_path_get_dirname (path);
  gboolean     writable = g_access (dir, W_OK) == 0 && g_file_test (dir, G_FILE_TEST_IS_DIR);
  gboolean     known = FALSE;
  gsize        i;

  for (i = 0; dot && i < G_N_ELEMENTS (savers); i++)
    known = known || (!g_ascii_strcasecmp (dot, savers[i][0]) && gegl_has_operation (savers[i][1]));
  if (!writable)
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ACCES, _("Cannot write into the folder \"%s\"."), dir);
  else if (!known)
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                 _("\"%s\": the file name must end in an image format GEGL writes (.png, .jpg, .tif, .webp, .exr, .ppm)."),
                 path);
  g_free (dir);
  return writable && known;
}

/* ---- progress ------------------------------------------------------------ */

typedef struct
{
  const gchar *name;
  gboolean     terminal;
  gint64       start, first;   /* of the file, of its first report (µs) */
} Progress;

static void
on_progress (gdouble fraction, G_GNUC_UNUSED const gchar *text, gpointer data)
{
  Progress *p   = data;
  gint64    now = g_get_monotonic_time ();
  gchar    *left = NULL;
  gint      i, filled;

  if (!p->terminal || fraction < 0)
    return;
  if (!p->first)
    p->first = now;
  if (fraction > 0.02 && fraction < 0.99 && now > p->first)
    {
      gdouble seconds = (now - p->first) / 1e6 / fraction * (1.0 - fraction);

      left = seconds >= 90 ? g_strdup_printf (_("about %.0f min left"), seconds / 60)
                           : g_strdup_printf (_("about %.0f s left"), seconds);
    }
  filled = (gint) (fraction * 30);
  fprintf (stderr, "\r[");
  for (i = 0; i < 30; i++)
    fputc (i < filled ? '#' : '-', stderr);
  fprintf (stderr, "] %3.0f%% %s %s\033[K", fraction * 100, p->name, left ? left : "");
  fflush (stderr);
  g_free (left);
}

/* What a builder holds, as indented JSON on standard output. */
static void
print_json (JsonBuilder *builder)
{
  JsonGenerator *gen  = json_generator_new ();
  JsonNode      *root = json_builder_get_root (builder);
  gchar         *text;

  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  printf ("%s\n", text);
  g_free (text);
  json_node_unref (root);
  g_object_unref (gen);
}

/* ---- stylize ------------------------------------------------------------- */

static gchar *
output_path (const Job *job, const gchar *input)
{
  gchar *base, *path;

  if (!job->frames && job->inputs->len == 1 && !g_file_test (job->output, G_FILE_TEST_IS_DIR))
    return g_strdup (job->output);
  base = g_path_get_basename (input);
  path = g_build_filename (job->output, base, NULL);
  g_free (base);
  return path;
}

static void
on_signal (G_GNUC_UNUSED int sig)
{
  g_atomic_int_set (&interrupted, 1);
}

/* Frames must share one size: said before any work. Files gdk-pixbuf
 * cannot measure are checked when read. */
static gboolean
check_frame_sizes (const Job *job, GError **error)
{
  gint  first_width = 0, first_height = 0;
  guint i;

  for (i = 0; i < job->inputs->len; i++)
    {
      const gchar *frame = g_ptr_array_index (job->inputs, i);
      gint         width, height;

      if (!gdk_pixbuf_get_file_info (frame, &width, &height))
        continue;
      if (!first_width)
        {
          first_width  = width;
          first_height = height;
        }
      else if (width != first_width || height != first_height)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       _("\"%s\" is %d x %d pixels, the first frame %d x %d: every frame must have the same size."),
                       frame, width, height, first_width, first_height);
          return FALSE;
        }
    }
  return TRUE;
}

static gint
run_stylize (gint argc, gchar **argv, gboolean frames)
{
  Job        job   = { 0 };
  GError    *error = NULL;
  JsonBuilder *summary = json_builder_new ();
  gint       failed = 0;
  guint      i;
  ImpastoPreviousFrame previous = { NULL, NULL, 0.0 };
  gint       previous_width = 0, previous_height = 0;

  impasto_settings_init (&job.settings);
  job.inputs      = g_ptr_array_new ();
  job.frames      = frames;
  job.consistency = IMPASTO_PARAMETER_DEFAULT (IMPASTO_PARAMETER_CONSISTENCY);
  if (argc > 0 && (!strcmp (argv[0], "--help") || !strcmp (argv[0], "-h")))
    {
      print_usage (stdout);
      return 0;
    }
  if (!parse_stylize (&job, argc, argv, &error) || (frames && !check_frame_sizes (&job, &error)))
    {
      fprintf (stderr, "impasto: %s\n%s\n", error->message,
               frames ? _("See impasto frames --help.") : _("See impasto stylize --help."));
      return EXIT_USAGE;
    }
  if ((frames || job.inputs->len > 1) && g_mkdir_with_parents (job.output, 0755) != 0)
    {
      fprintf (stderr, "impasto: %s\n", frames ? _("For frames, OUTPUT must be a folder, and it cannot be made.")
                                                : _("With several inputs, OUTPUT must be a folder, and it cannot be made."));
      return EXIT_USAGE;
    }
  previous.consistency = job.consistency;
  for (i = 0; i < job.inputs->len; i++)
    {
      gchar   *output = output_path (&job, g_ptr_array_index (job.inputs, i));
      gboolean ok     = check_output (output, &error);

      g_free (output);
      if (!ok)
        {
          fprintf (stderr, "impasto: %s\n", error->message);
          g_error_free (error);
          return EXIT_USAGE;
        }
    }
  signal (SIGINT, on_signal);
  signal (SIGTERM, on_signal);
  json_builder_begin_array (summary);
  for (i = 0; i < job.inputs->len && !g_atomic_int_get (&interrupted); i++)
    {
      const gchar *input  = g_ptr_array_index (job.inputs, i);
      gchar       *output = output_path (&job, input);
      Progress     p      = { input, isatty (2), g_get_monotonic_time (), 0 };
      GeglBuffer  *in, *out = NULL;
      gboolean     ok = FALSE;
      gdouble      seconds;

      in = load_image (input, &error);
      if (in && previous.frame &&
          (gegl_buffer_get_width (in) != previous_width || gegl_buffer_get_height (in) != previous_height))
        g_set_error (&error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                     _("The frame is %d x %d pixels, the one before %d x %d: every frame must have the same size."),
                     gegl_buffer_get_width (in), gegl_buffer_get_height (in), previous_width, previous_height);
      else if (in)
        {
          out = impasto_render_frame (in, NULL, &job.settings, previous.frame ? &previous : NULL, &interrupted,
                                      on_progress, &p, &error);
          if (out)
            ok = save_image (out, output, &error);
          else if (!error)
            g_set_error_literal (&error, IMPASTO_OP_ERROR, IMPASTO_OP_ERROR_CANCELLED, _("Interrupted."));
        }
      /* The next frame follows this one; after a failure it starts afresh. */
      g_clear_pointer ((gpointer *) &previous.frame, g_free);
      g_clear_pointer ((gpointer *) &previous.result, g_free);
      if (frames && ok)
        {
          previous.frame  = impasto_buffer_pixels (in);
          previous.result = impasto_buffer_pixels (out);
          previous_width  = gegl_buffer_get_width (in);
          previous_height = gegl_buffer_get_height (in);
        }
      seconds = (g_get_monotonic_time () - p.start) / 1e6;
      if (p.terminal)
        fprintf (stderr, "\r\033[K");
      if (ok && !job.json)
        printf (_("%s: wrote %s (%.1f s)\n"), input, output, seconds);
      else if (!ok)
        fprintf (stderr, "impasto: %s: %s\n", input, error->message);
      fflush (stdout);
      json_builder_begin_object (summary);
      json_builder_set_member_name (summary, "input");
      json_builder_add_string_value (summary, input);
      json_builder_set_member_name (summary, "output");
      json_builder_add_string_value (summary, output);
      json_builder_set_member_name (summary, "ok");
      json_builder_add_boolean_value (summary, ok);
      json_builder_set_member_name (summary, "seconds");
      json_builder_add_double_value (summary, seconds);
      if (!ok)
        {
          json_builder_set_member_name (summary, "error");
          json_builder_add_string_value (summary, error->message);
        }
      json_builder_end_object (summary);
      failed += !ok;
      g_clear_error (&error);
      g_clear_object (&in);
      g_clear_object (&out);
      g_free (output);
    }
  g_free ((gpointer) previous.frame);
  g_free ((gpointer) previous.result);
  json_builder_end_array (summary);
  if (job.json)
    print_json (summary);
  g_object_unref (summary);
  g_ptr_array_free (job.inputs, TRUE);
  if (g_atomic_int_get (&interrupted))
    return EXIT_INTERRUPTED;
  return failed ? EXIT_FAILED : 0;
}

/* ---- models, train ---------------------------------------------------- */

static void
add_models (JsonBuilder *b, GList *models, const gchar *state)
{
  GList *l;

  for (l = models; l; l = l->next)
    {
      ImpastoModelInfo *m = l->data;

      if (b)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, m->name);
          json_builder_set_member_name (b, "display_name");
          json_builder_add_string_value (b, m->display_name);
          json_builder_set_member_name (b, "format");
          json_builder_add_string_value (b, m->format);
          json_builder_set_member_name (b, "state");
          json_builder_add_string_value (b, m->builtin ? "built-in" : state);
          json_builder_set_member_name (b, "licence");
          json_builder_add_string_value (b, m->licence);
          json_builder_end_object (b);
        }
      else
        printf ("%-24s %-12s %-12s %s\n", m->name, m->format, m->builtin ? _("built-in") : _(state), m->display_name);
    }
}

static gint
run_models (gint argc, gchar **argv)
{
  gboolean     json   = argc > 0 && !strcmp (argv[0], "--json");
  GList       *have   = impasto_list_models ();
  GList       *fetch  = impasto_list_downloadable ();
  JsonBuilder *b      = json ? json_builder_new () : NULL;

  if (argc > 1 || (argc == 1 && !json))
    {
      fprintf (stderr, "impasto: %s\n", _("Usage: impasto models [--json]"));
      return EXIT_USAGE;
    }
  if (b)
    json_builder_begin_array (b);
  else
    printf ("%-24s %-12s %-12s %s\n", _("NAME"), _("FORMAT"), _("STATE"), _("STYLE"));
  add_models (b, have, N_("installed"));
  add_models (b, fetch, N_("fetchable"));
  if (b)
    {
      json_builder_end_array (b);
      print_json (b);
      g_object_unref (b);
    }
  impasto_model_list_free (have);
  impasto_model_list_free (fetch);
  return 0;
}

/* impasto train: the trainer next to this program (installed side by side),
 * else the one on PATH, with the same arguments. */
static gint
run_train (gint argc, gchar **argv)
{
  gchar  *self = g_file_read_link ("/proc/self/exe", NULL);
  gchar  *dir  = self ? g_path_get_dirname (self) : NULL;
  gchar  *near = dir ? g_build_filename (dir, "impasto-train", NULL) : NULL;
  gchar **args = g_new0 (gchar *, argc + 2);
  gint    i;

  args[0] = (near && g_file_test (near, G_FILE_TEST_IS_EXECUTABLE)) ? near : (gchar *) "impasto-train";
  for (i = 0; i < argc; i++)
    args[i + 1] = argv[i];
  execvp (args[0], args);
  fprintf (stderr, "impasto: %s\n", _("impasto-train is not installed."));
  return EXIT_FAILED;
}

int
main (int argc, char **argv)
{
  const gchar *localedir = g_getenv ("IMPASTO_LOCALEDIR");
  gint         status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2 || !strcmp (argv[1], "--help") || !strcmp (argv[1], "-h"))
    {
      print_usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? EXIT_USAGE : 0;
    }
  if (!strcmp (argv[1], "train"))
    return run_train (argc - 2, argv + 2);
  gegl_init (NULL, NULL);
  if (!strcmp (argv[1], "stylize") || !strcmp (argv[1], "frames"))
    status = run_stylize (argc - 2, argv + 2, !strcmp (argv[1], "frames"));
  else if (!strcmp (argv[1], "models"))
    status = run_models (argc - 2, argv + 2);
  else
    {
      fprintf (stderr, "impasto: %s\n", _("The command is stylize, frames, models or train; see impasto --help."));
      status = EXIT_USAGE;
    }
  gegl_exit ();
  return status;
}
