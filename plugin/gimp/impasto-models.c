#include "impasto-config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "impasto-models.h"

gchar *
impasto_user_model_dir (void)
{
  const gchar *dir = g_getenv ("IMPASTO_MODEL_DIR");

  if (dir && *dir)
    return g_strdup (dir);
  dir = g_getenv ("XDG_DATA_HOME");
  if (dir && *dir)
    return g_build_filename (dir, "impasto", "models", NULL);
  dir = g_getenv ("HOME");
  if (dir && *dir)
    return g_build_filename (dir, ".local", "share", "impasto", "models", NULL);
  return g_strdup ("impasto-models");
}

gchar *
impasto_builtin_styles_dir (void)
{
  const gchar *dir = g_getenv ("IMPASTO_STYLES_DIR");

  return g_strdup (dir && *dir ? dir : IMPASTO_STYLES_DIR);
}

static gboolean
exists_in (const gchar *folder, const gchar *file)
{
  gchar    *path = g_build_filename (folder, file, NULL);
  gboolean  found = g_file_test (path, G_FILE_TEST_IS_REGULAR);

  g_free (path);
  return found;
}

/* The format, by the same content rules as the core's load_style_model();
 * NULL for anything else (loss networks, partial downloads). */
static const gchar *
model_format (const gchar *path, const gchar *name)
{
  if (name[0] == '.')
    return NULL;
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      if (exists_in (path, "manifest.json"))
        return "ml5";
      if (exists_in (path, "decoder.pth") && exists_in (path, "vgg_normalised.pth"))
        return "adain";
      if (exists_in (path, "model.pth"))
        return "pytorch";
      return NULL;
    }
  if (g_str_has_suffix (name, ".pth"))
    return "pytorch";
  if (g_str_has_suffix (name, ".pt"))
    {
      gchar    *stem = g_strndup (path, strlen (path) - 3);
      gchar    *sidecar = g_strconcat (stem, ".json", NULL);
      gboolean  ok = g_file_test (sidecar, G_FILE_TEST_IS_REGULAR);

      g_free (stem);
      g_free (sidecar);
      return ok ? "torchscript" : NULL;
    }
  return NULL;
}

/* impasto.json, written by impasto-train and models/fetch. */
static void
read_description (ImpastoModelInfo *info)
{
  gchar      *file = g_build_filename (info->path, "impasto.json", NULL);
  JsonParser *parser = json_parser_new ();

  if (g_file_test (file, G_FILE_TEST_IS_REGULAR) && json_parser_load_from_file (parser, file, NULL))
    {
      JsonNode *root = json_parser_get_root (parser);

      if (root && JSON_NODE_HOLDS_OBJECT (root))
        {
          JsonObject  *o = json_node_get_object (root);
          const gchar *display = json_object_get_string_member_with_default (o, "display_name", NULL);
          const gchar *licence = json_object_get_string_member_with_default (o, "licence", NULL);
          const gchar *thumb   = json_object_get_string_member_with_default (o, "thumbnail", NULL);

          if (display && *display)
            g_free (info->display_name), info->display_name = g_strdup (display);
          if (licence)
            g_free (info->licence), info->licence = g_strdup (licence);
          /* Only a file inside the model's folder. */
          if (thumb && *thumb && !strchr (thumb, '/') && !strstr (thumb, ".."))
            {
              gchar *p = g_build_filename (info->path, thumb, NULL);

              if (g_file_test (p, G_FILE_TEST_IS_REGULAR))
                info->thumbnail = p;
              else
                g_free (p);
            }
        }
    }
  g_object_unref (parser);
  g_free (file);
}

static gint
by_display_name (gconstpointer a, gconstpointer b)
{
  return g_utf8_collate (((const ImpastoModelInfo *) a)->display_name,
                         ((const ImpastoModelInfo *) b)->display_name);
}

static GList *
list_folder (const gchar *folder, gboolean builtin, GHashTable *seen)
{
  GDir        *dir = g_dir_open (folder, 0, NULL);
  const gchar *name;
  GList       *models = NULL;

  if (!dir)
    return NULL;
  while ((name = g_dir_read_name (dir)))
    {
      gchar            *path = g_build_filename (folder, name, NULL);
      const gchar      *format = model_format (path, name);
      gchar            *key;
      ImpastoModelInfo *info;

      if (!format || g_hash_table_contains (seen, name))
        {
          g_free (path);
          continue;
        }
      key = g_strdup (name);
      g_hash_table_add (seen, key);
      info = g_new0 (ImpastoModelInfo, 1);
      info->name         = g_strdup (name);
      info->display_name = g_strdup (name);
      info->licence      = g_strdup ("");
      info->format       = g_strdup (format);
      info->path         = path;
      info->builtin      = builtin;
      info->needs_style  = !strcmp (format, "adain");
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        read_description (info);
      models = g_list_prepend (models, info);
    }
  g_dir_close (dir);
  return g_list_sort (models, by_display_name);
}

GList *
impasto_list_models (void)
{
  GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gchar      *user = impasto_user_model_dir ();
  gchar      *builtin = impasto_builtin_styles_dir ();
  GList      *models;

  models = list_folder (user, FALSE, seen);
  models = g_list_concat (models, list_folder (builtin, TRUE, seen));
  g_hash_table_unref (seen);
  g_free (user);
  g_free (builtin);
  return models;
}

static void
model_info_free (gpointer data)
{
  ImpastoModelInfo *info = data;

  g_free (info->name);
  g_free (info->display_name);
  g_free (info->licence);
  g_free (info->format);
  g_free (info->path);
  g_free (info->thumbnail);
  g_free (info);
}

void
impasto_model_list_free (GList *models)
{
  g_list_free_full (models, model_info_free);
}
