/* Start-up cost of the impasto GEGL module. GIMP 2.10 (and every plug-in
 * that calls gegl_init) loads every GEGL module at start-up, so the module
 * must not drag LibTorch in. Measures gegl_init() in fresh processes, with
 * and without the module on GEGL_PATH, alternating, and prints a table.
 *
 *   impasto-bench-startup MODULE_DIR [RUNS]
 */
#include <gegl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
compare (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
child_run (const char *self, const char *gegl_path, gboolean *has_op, gboolean *torch_loaded)
{
  gchar  *argv[] = { (gchar *) self, (gchar *) "--child", NULL };
  gchar **envp   = g_environ_setenv (g_get_environ (), "GEGL_PATH", gegl_path, TRUE);
  gchar  *out    = NULL;
  double  ms     = -1.0;
  int     op = 0, torch = 0;

  if (g_spawn_sync (NULL, argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, NULL, NULL) &&
      sscanf (out, "%lf %d %d", &ms, &op, &torch) == 3)
    {
      *has_op = op;
      *torch_loaded = torch;
    }
  g_free (out);
  g_strfreev (envp);
  return ms;
}

static int
child (void)
{
  gint64   start = g_get_monotonic_time ();
  gboolean torch = FALSE;
  gchar   *maps  = NULL;

  gegl_init (NULL, NULL);
  gegl_list_operations (NULL);  /* what GIMP does right after */
  if (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL))
    torch = strstr (maps, "libtorch_cpu") != NULL;
  printf ("%.3f %d %d\n", (g_get_monotonic_time () - start) / 1000.0,
          gegl_has_operation ("impasto:gatys"), torch);
  g_free (maps);
  return 0;
}

int
main (int argc, char **argv)
{
  const char *system_dir;
  gchar      *with_module;
  int         runs, i;
  double     *without, *with;
  gboolean    has_op = FALSE, torch = FALSE, dummy;

  if (argc == 2 && strcmp (argv[1], "--child") == 0)
    return child ();
  if (argc < 2)
    {
      fprintf (stderr, "usage: %s MODULE_DIR [RUNS]\n", argv[0]);
      return 2;
    }
  runs = argc > 2 ? atoi (argv[2]) : 21;
  system_dir = GEGL_SYSTEM_MODULE_DIR;
  with_module = g_strdup_printf ("%s:%s", system_dir, argv[1]);
  without = g_new (double, runs);
  with = g_new (double, runs);
  child_run (argv[0], with_module, &dummy, &dummy);  /* warm the page cache */
  for (i = 0; i < runs; i++)
    {
      without[i] = child_run (argv[0], system_dir, &dummy, &dummy);
      with[i] = child_run (argv[0], with_module, &has_op, &torch);
    }
  qsort (without, runs, sizeof (double), compare);
  qsort (with, runs, sizeof (double), compare);
  printf ("gegl_init + gegl_list_operations, %d fresh processes each, alternating\n\n", runs);
  printf ("| case | median ms | min ms | max ms |\n|---|---|---|---|\n");
  printf ("| GEGL's own modules | %.1f | %.1f | %.1f |\n", without[runs / 2], without[0], without[runs - 1]);
  printf ("| + impasto module | %.1f | %.1f | %.1f |\n", with[runs / 2], with[0], with[runs - 1]);
  printf ("\nmedian difference: %.1f ms (ratio %.3f); impasto:gatys registered: %s; LibTorch loaded at start-up: %s\n",
          with[runs / 2] - without[runs / 2], with[runs / 2] / without[runs / 2],
          has_op ? "yes" : "NO", torch ? "YES" : "no");
  g_free (with_module);
  g_free (without);
  g_free (with);
  return has_op && !torch ? 0 : 1;
}
