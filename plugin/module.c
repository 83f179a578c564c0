/* The impasto GEGL module: registers Impasto's operations. It links only
 * GEGL and GModule; the core is loaded when an operation first runs. */
#include "impasto-config.h"

#include <gegl.h>
#include <gegl-plugin.h>
#include <glib/gi18n-lib.h>

void gegl_op_impasto_gatys_register_type       (GTypeModule *module);
void gegl_op_impasto_feedforward_register_type (GTypeModule *module);

static const GeglModuleInfo modinfo =
{
  GEGL_MODULE_ABI_VERSION
};

G_MODULE_EXPORT const GeglModuleInfo *gegl_module_query    (GTypeModule *module);
G_MODULE_EXPORT gboolean              gegl_module_register (GTypeModule *module);

G_MODULE_EXPORT const GeglModuleInfo *
gegl_module_query (GTypeModule *module)
{
  return &modinfo;
}

G_MODULE_EXPORT gboolean
gegl_module_register (GTypeModule *module)
{
  const gchar *localedir = g_getenv ("IMPASTO_LOCALEDIR");  /* tests run from the build tree */

  bindtextdomain (GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  gegl_op_impasto_gatys_register_type (module);
  gegl_op_impasto_feedforward_register_type (module);
  return TRUE;
}
