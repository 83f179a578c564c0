#include "impasto-config.h"

#include <errno.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
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
          const gchar *about   = json_object_get_string_member_with_default (o, "description", NULL);

          if (display && *display)
            g_free (info->display_name), info->display_name = g_strdup (display);
          if (licence)
            g_free (info->licence), info->licence = g_strdup (licence);
          if (about)
            g_free (info->description), info->description = g_strdup (about);
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
      info->description  = g_strdup ("");
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
  g_free (info->description);
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

gchar *
impasto_catalogue_dir (void)
{
  const gchar *dir = g_getenv ("IMPASTO_CATALOGUE_DIR");

  return g_strdup (dir && *dir ? dir : IMPASTO_CATALOGUE_DIR);
}

/* Every file pinned by its full sha256: what the dialog may download
 * without asking the user to judge a checksum. */
static gboolean
all_files_pinned (JsonObject *network)
{
  JsonArray *files = json_object_get_array_member (network, "files");
  guint      i;

  if (!files || json_array_get_length (files) == 0)
    return FALSE;
  for (i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject  *file = json_array_get_object_element (files, i);
      const gchar *sha = file ? json_object_get_string_member_with_default (file, "sha256", NULL) : NULL;

      if (!sha || strlen (sha) != 64)
        return FALSE;
    }
  return TRUE;
}

static const gchar *
member (JsonObject *o, const gchar *name)
{
  return json_object_get_string_member_with_default (o, name, "");
}

GList *
impasto_list_downloadable (void)
{
  gchar      *catalogue = impasto_catalogue_dir ();
  gchar      *manifest = g_build_filename (catalogue, "manifest.json", NULL);
  gchar      *user = impasto_user_model_dir ();
  JsonParser *parser = json_parser_new ();
  GList      *styles = NULL;
  JsonNode   *root;
  JsonArray  *networks = NULL;
  guint       i;

  if (json_parser_load_from_file (parser, manifest, NULL) && (root = json_parser_get_root (parser)) &&
      JSON_NODE_HOLDS_OBJECT (root) && json_object_has_member (json_node_get_object (root), "networks"))
    networks = json_object_get_array_member (json_node_get_object (root), "networks");
  for (i = 0; networks && i < json_array_get_length (networks); i++)
    {
      JsonObject       *n = json_array_get_object_element (networks, i);
      const gchar      *name;
      gchar            *installed, *thumb;
      ImpastoModelInfo *info;

      if (!n || (g_strcmp0 (member (n, "kind"), "style") && g_strcmp0 (member (n, "kind"), "loss-network")) ||
          !all_files_pinned (n))
        continue;
      name = member (n, "name");
      installed = g_build_filename (user, name, NULL);
      if (!*name || strchr (name, '/') || g_file_test (installed, G_FILE_TEST_EXISTS))
        {
          g_free (installed);
          continue;
        }
      g_free (installed);
      info = g_new0 (ImpastoModelInfo, 1);
      info->name         = g_strdup (name);
      info->display_name = g_strdup (*member (n, "display_name") ? member (n, "display_name") : name);
      info->licence      = g_strdup (member (n, "licence"));
      info->description  = g_strdup (member (n, "description"));
      info->format       = g_strdup (member (n, "format"));
      info->needs_style  = !strcmp (info->format, "adain");
      thumb = g_strdup_printf ("%s.png", name);
      info->thumbnail = g_build_filename (catalogue, "thumbnails", thumb, NULL);
      g_free (thumb);
      if (!g_file_test (info->thumbnail, G_FILE_TEST_IS_REGULAR))
        g_clear_pointer (&info->thumbnail, g_free);
      styles = g_list_prepend (styles, info);
    }
  g_object_unref (parser);
  g_free (user);
  g_free (manifest);
  g_free (catalogue);
  return g_list_sort (styles, by_display_name);
}

#define IMPASTO_MODELS_ERROR (g_quark_from_static_string ("impasto-models-error"))

/* A folder model's own files, by which a chosen file stands for its folder. */
static gboolean
is_folder_model_file (const gchar *base)
{
  return !strcmp (base, "manifest.json") || !strcmp (base, "model.pth") || !strcmp (base, "decoder.pth") ||
         !strcmp (base, "vgg_normalised.pth") || !strcmp (base, "impasto.json") || g_str_has_prefix (base, "Variable");
}

gchar *
impasto_model_root (const gchar *chosen, GError **error)
{
  gchar *base = g_path_get_basename (chosen);
  gchar *folder = g_path_get_dirname (chosen);
  gchar *folder_base = g_path_get_basename (folder);
  gchar *root = NULL;

  if (model_format (chosen, base))
    root = g_strdup (chosen);
  else if (is_folder_model_file (base) && model_format (folder, folder_base))
    root = g_strdup (folder);
  else
    g_set_error (error, IMPASTO_MODELS_ERROR, 0,
                 _("“%s” is not a style model Impasto can read. Choose an ml5 model's manifest.json, "
                   "a PyTorch .pth file, a TorchScript .pt file (with its .json beside it) or an AdaIN "
                   "model's decoder.pth."), base);
  g_free (base);
  g_free (folder);
  g_free (folder_base);
  return root;
}

/* The .json that describes a TorchScript .pt. */
static gchar *
sidecar_of (const gchar *pt)
{
  gchar *stem = g_strndup (pt, strlen (pt) - 3);
  gchar *json = g_strconcat (stem, ".json", NULL);

  g_free (stem);
  return json;
}

/* root's name with -2, -3, ... before any extension until nothing in
 * folder has it. */
static gchar *
free_name (const gchar *folder, const gchar *root)
{
  gchar       *base = g_path_get_basename (root);
  const gchar *dot = g_file_test (root, G_FILE_TEST_IS_DIR) ? NULL : strrchr (base, '.');
  gchar       *stem = dot ? g_strndup (base, dot - base) : g_strdup (base);
  gchar       *name = g_strdup (base);
  gint         n;

  for (n = 2; ; n++)
    {
      gchar   *path = g_build_filename (folder, name, NULL);
      gboolean taken = g_file_test (path, G_FILE_TEST_EXISTS);

      if (!taken && g_str_has_suffix (path, ".pt"))
        {
          gchar *json = sidecar_of (path);

          taken = g_file_test (json, G_FILE_TEST_EXISTS);
          g_free (json);
        }
      g_free (path);
      if (!taken)
        break;
      g_free (name);
      name = g_strdup_printf ("%s-%d%s", stem, n, dot ? dot : "");
    }
  g_free (base);
  g_free (stem);
  return name;
}

static gboolean
copy_file (const gchar *from, const gchar *to, GError **error)
{
  GFile   *src = g_file_new_for_path (from), *dest = g_file_new_for_path (to);
  gboolean ok = g_file_copy (src, dest, G_FILE_COPY_NONE, NULL, NULL, NULL, error);

  g_object_unref (src);
  g_object_unref (dest);
  return ok;
}

/* The folder's files (not its subfolders such as impasto-train's
 * checkpoint/, nor hidden files) into dest. */
static gboolean
copy_folder_files (const gchar *from, const gchar *dest, GError **error)
{
  GDir        *dir = g_dir_open (from, 0, error);
  const gchar *name;
  gboolean     ok = dir != NULL;

  while (ok && (name = g_dir_read_name (dir)))
    {
      gchar *src = g_build_filename (from, name, NULL), *to = g_build_filename (dest, name, NULL);

      if (name[0] != '.' && g_file_test (src, G_FILE_TEST_IS_REGULAR))
        ok = copy_file (src, to, error);
      g_free (src);
      g_free (to);
    }
  if (dir)
    g_dir_close (dir);
  return ok;
}

static void
remove_tree (const gchar *path)
{
  GDir        *dir = g_dir_open (path, 0, NULL);
  const gchar *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      gchar *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
      g_free (child);
    }
  if (dir)
    g_dir_close (dir);
  g_rmdir (path);
}

gchar *
impasto_model_add (const gchar *root, GError **error)
{
  gchar    *user = impasto_user_model_dir ();
  gchar    *work = NULL, *name = NULL, *target = NULL;
  gboolean  is_dir = g_file_test (root, G_FILE_TEST_IS_DIR);
  gboolean  ok;
  GError   *local = NULL;

  if (g_mkdir_with_parents (user, 0755) != 0 ||
      !(work = g_build_filename (user, ".add-XXXXXX", NULL), g_mkdtemp (work)))
    {
      g_set_error (error, IMPASTO_MODELS_ERROR, 0, _("Cannot write to the model folder %s: %s"),
                   user, g_strerror (errno));
      g_free (work);
      g_free (user);
      return NULL;
    }
  name = free_name (user, root);
  target = g_build_filename (user, name, NULL);
  if (is_dir)
    {
      ok = copy_folder_files (root, work, &local) && g_rename (work, target) == 0;
    }
  else
    {
      gchar *copy = g_build_filename (work, name, NULL);

      ok = copy_file (root, copy, &local);
      if (ok && g_str_has_suffix (root, ".pt"))
        {
          /* The description first: a .pt without it is not listed. */
          gchar *json_from = sidecar_of (root), *json_copy = sidecar_of (copy), *json_to = sidecar_of (target);

          ok = copy_file (json_from, json_copy, &local) && !g_file_test (json_to, G_FILE_TEST_EXISTS) &&
               g_rename (json_copy, json_to) == 0;
          g_free (json_from);
          g_free (json_copy);
          g_free (json_to);
        }
      ok = ok && g_rename (copy, target) == 0;
      g_free (copy);
    }
  if (!ok)
    {
      g_set_error (error, IMPASTO_MODELS_ERROR, 0, _("Could not copy the model into %s: %s"), user,
                   local ? local->message : g_strerror (errno));
      g_clear_pointer (&name, g_free);
    }
  g_clear_error (&local);
  if (g_file_test (work, G_FILE_TEST_IS_DIR))
    remove_tree (work);
  g_free (target);
  g_free (work);
  g_free (user);
  return name;
}
