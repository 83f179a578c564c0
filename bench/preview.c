/* Preview latency for bench/run: what the dialog's preview does after a
 * settings change once the plug-in and LibTorch are up — the Draft render
 * of the preview area through impasto_render_buffers, the function the
 * preview's worker thread calls.
 *   impasto-bench-preview PHOTO STYLE WxH REPEAT gatys|MODEL [THREADS]
 * One warm-up render, then one JSON line per render; each render changes
 * the style weight, as a user moving a slider would. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gegl.h>

#include "impasto-run.h"

static GeglBuffer *
load_scaled (const gchar *path, gint width, gint height)
{
  GeglNode   *graph = gegl_node_new ();
  GeglNode   *load = gegl_node_new_child (graph, "operation", "gegl:load", "path", path, NULL);
  GeglNode   *scale = gegl_node_new_child (graph, "operation", "gegl:scale-size",
                                           "x", (gdouble) width, "y", (gdouble) height, "sampler", GEGL_SAMPLER_CUBIC, NULL);
  GeglBuffer *out = NULL;
  GeglNode   *sink = gegl_node_new_child (graph, "operation", "gegl:buffer-sink", "buffer", &out, NULL);

  gegl_node_link_many (load, scale, sink, NULL);
  gegl_node_process (sink);
  g_object_unref (graph);
  return out;
}

int
main (int argc, char **argv)
{
  ImpastoSettings settings, draft;
  GeglBuffer     *content, *style;
  gint            width, height, repeat, r;

  if (argc < 6 || sscanf (argv[3], "%dx%d", &width, &height) != 2)
    {
      fprintf (stderr, "usage: %s PHOTO STYLE WxH REPEAT gatys|MODEL\n", argv[0]);
      return 2;
    }
  repeat = atoi (argv[4]);
  gegl_init (&argc, &argv);
  content = load_scaled (argv[1], width, height);
  style = load_scaled (argv[2], 512, 512 * 3 / 4);

  impasto_settings_init (&settings);
  if (strcmp (argv[5], "gatys") == 0)
    settings.method = IMPASTO_METHOD_GATYS;
  else
    {
      settings.method = IMPASTO_METHOD_MODEL;
      g_strlcpy (settings.model, argv[5], sizeof settings.model);
    }
  if (argc > 6)
    settings.threads = atoi (argv[6]);
  impasto_settings_draft (&settings, MAX (width, height), &draft);

  for (r = -1; r < repeat; r++)
    {
      GError     *error = NULL;
      gint64      start = g_get_monotonic_time ();
      GeglBuffer *out;

      draft.style_weight *= 1.1;
      out = impasto_render_buffers (content, style, &draft, NULL, NULL, NULL, &error);
      if (!out)
        {
          fprintf (stderr, "render failed: %s\n", error ? error->message : "cancelled");
          return 1;
        }
      g_object_unref (out);
      if (r >= 0)
        printf ("{\"seconds\": %.4f}\n", (g_get_monotonic_time () - start) / 1e6);
      fflush (stdout);
    }
  g_object_unref (content);
  g_object_unref (style);
  gegl_exit ();
  return 0;
}
