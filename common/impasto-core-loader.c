#include "impasto-config.h"

#include <gio/gio.h>
#include <gmodule.h>
#include <glib/gi18n-lib.h>

#include "impasto-core-loader.h"

static GMutex       core_mutex;
static ImpastoCore  core;
static gboolean     core_loaded = FALSE;

static gboolean
resolve (GModule *module, const gchar *name, gpointer *symbol, GError **error)
{
  if (g_module_symbol (module, name, symbol) && *symbol)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               _("The Impasto core library is incomplete (missing %s); reinstall Impasto."), name);
  return FALSE;
}

const ImpastoCore *
impasto_core_get (GError **error)
{
  const ImpastoCore *result = NULL;

  g_mutex_lock (&core_mutex);
  if (core_loaded)
    {
      result = &core;
    }
  else
    {
      const gchar *path = g_getenv ("IMPASTO_CORE_LIBRARY");
      GModule     *module;

      if (!path || !*path)
        path = IMPASTO_CORE_LIBRARY_PATH;

      /* Local binding: LibTorch's symbols stay out of the host's namespace. */
      module = g_module_open (path, G_MODULE_BIND_LOCAL);
      if (!module)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _("Cannot load the Impasto core library \"%s\": %s"),
                       path, g_module_error ());
        }
      else if (resolve (module, "impasto_gatys_params_init", (gpointer *) &core.gatys_params_init, error) &&
               resolve (module, "impasto_gatys_run", (gpointer *) &core.gatys_run, error) &&
               resolve (module, "impasto_feedforward_params_init", (gpointer *) &core.feedforward_params_init, error) &&
               resolve (module, "impasto_feedforward_run", (gpointer *) &core.feedforward_run, error) &&
               resolve (module, "impasto_feedforward_memory", (gpointer *) &core.feedforward_memory, error) &&
               resolve (module, "impasto_gatys_memory", (gpointer *) &core.gatys_memory, error) &&
               resolve (module, "impasto_gatys_seconds", (gpointer *) &core.gatys_seconds, error) &&
               resolve (module, "impasto_available_memory", (gpointer *) &core.available_memory, error) &&
               resolve (module, "impasto_free", (gpointer *) &core.free, error))
        {
          /* LibTorch registers global state at load; never unload it. */
          g_module_make_resident (module);
          core_loaded = TRUE;
          result = &core;
        }
      else
        {
          g_module_close (module);
        }
    }
  g_mutex_unlock (&core_mutex);
  return result;
}

gboolean
impasto_core_check_memory (const ImpastoCore *core, gdouble core_bytes, gint width, gint height, GError **error)
{
  const gdouble needed    = core_bytes + 2.0 * width * height * 4 * sizeof (gfloat);
  const gdouble available = core->available_memory ();

  if (needed <= available)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
               _("This %d × %d image needs about %.1f GB of memory for style transfer, but only %.1f GB is available. "
                 "Scale the image down, lower the processing size or scale, or close other programs."),
               width, height, needed / 1073741824.0, available / 1073741824.0);
  return FALSE;
}
