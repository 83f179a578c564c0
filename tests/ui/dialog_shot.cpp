// Photographs the Style Transfer dialog for docs/: dialog-shot METHOD OUT.png
// (METHOD is gatys or model), in the language of the environment.
#include "dialog_host.h"

#include "impasto-config.h"

#include <glib/gi18n-lib.h>

#include <clocale>
#include <cstdio>
#include <cstring>

using namespace impasto::test;

int main(int argc, char** argv) {
  setlocale(LC_ALL, "");
  const char* localedir = g_getenv("IMPASTO_LOCALEDIR");
  bindtextdomain(GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
  textdomain(GETTEXT_PACKAGE);
  gtk_init(&argc, &argv);
  if (argc != 4) {
    std::fprintf(stderr, "usage: dialog-shot gatys|model PREVIEW.jpg|- OUT.png\n");
    return 2;
  }
  GList* models = impasto_list_models();
  ImpastoSettings s;
  impasto_settings_init(&s);
  s.method = std::strcmp(argv[1], "model") == 0 ? IMPASTO_METHOD_MODEL : IMPASTO_METHOD_GATYS;
  s.style_drawable = kPaintingLayer;
  if (models) g_strlcpy(s.model, static_cast<ImpastoModelInfo*>(models->data)->name, sizeof s.model);
  auto host = fake_host(models, std::strcmp(argv[2], "-") == 0 ? nullptr : argv[2]);
  ImpastoDialog* dialog = impasto_dialog_new(&s, &host);
  GtkWidget* window = impasto_dialog_get_window(dialog);
  gtk_expander_set_expanded(GTK_EXPANDER(impasto_dialog_lookup(dialog, s.method == IMPASTO_METHOD_MODEL ? "advanced-model" : "advanced-gatys")), TRUE);
  gtk_widget_show(window);
  for (int i = 0; i < 20; ++i) {
    process_events();
    g_usleep(20000);
  }
  GdkWindow* gdk = gtk_widget_get_window(window);
  int w = 0, h = 0;
  gdk_drawable_get_size(GDK_DRAWABLE(gdk), &w, &h);
  GdkPixbuf* shot = gdk_pixbuf_get_from_drawable(nullptr, GDK_DRAWABLE(gdk), nullptr, 0, 0, 0, 0, w, h);
  GError* error = nullptr;
  const bool ok = shot && gdk_pixbuf_save(shot, argv[3], "png", &error, nullptr);
  if (!ok) std::fprintf(stderr, "dialog-shot: %s\n", error ? error->message : "no picture");
  if (shot) g_object_unref(shot);
  impasto_dialog_destroy(dialog);
  impasto_model_list_free(models);
  return ok ? 0 : 1;
}
