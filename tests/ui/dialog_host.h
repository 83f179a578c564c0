// A stand-in for GIMP around the Style Transfer dialog: a layer picker with
// two fake layers and a preview showing the sample photo.
#pragma once

#include <gegl.h>
#include <gtk/gtk.h>
#include <libgimpbase/gimpbase.h>
#include <libgimpcolor/gimpcolor.h>
#include <libgimpwidgets/gimpwidgets.h>

#include "impasto-config.h"
#include "impasto-dialog.h"
#include "impasto-models.h"

namespace impasto::test {

constexpr int kPaintingLayer = 7;
constexpr int kPhotoLayer = 9;

// Like the plug-in's: another image's layer first, and it is selected.
inline GtkWidget* fake_layer_picker(gpointer) {
  GtkWidget* combo = gimp_int_combo_box_new("starry-night.xcf: Painting", kPaintingLayer,
                                            "Background (this image)", kPhotoLayer, nullptr);
  gtk_combo_box_set_active(GTK_COMBO_BOX(combo), 0);
  return combo;
}

// With the plug-in's keyboard shortcuts around it: GimpZoomPreview's own
// "_Preview" check box and the plug-in's "Ori_ginal" button.
inline GtkWidget* fake_preview(gpointer data) {
  auto* file = static_cast<const char*>(data);
  GdkPixbuf* pixbuf = file ? gdk_pixbuf_new_from_file_at_scale(file, 300, 300, TRUE, nullptr) : nullptr;
  GtkWidget* box = gtk_vbox_new(FALSE, 6);
  GtkWidget* frame = gtk_frame_new(nullptr);
  gtk_frame_set_shadow_type(GTK_FRAME(frame), GTK_SHADOW_IN);
  GtkWidget* image = pixbuf ? gtk_image_new_from_pixbuf(pixbuf) : gtk_image_new();
  gtk_widget_set_size_request(image, 300, 300);
  gtk_container_add(GTK_CONTAINER(frame), image);
  if (pixbuf) g_object_unref(pixbuf);
  gtk_box_pack_start(GTK_BOX(box), frame, TRUE, TRUE, 0);
  gtk_box_pack_start(GTK_BOX(box), gtk_check_button_new_with_mnemonic(g_dgettext("gimp20-libgimp", "_Preview")),
                     FALSE, FALSE, 0);
  gtk_box_pack_start(GTK_BOX(box), gtk_toggle_button_new_with_mnemonic(g_dgettext(GETTEXT_PACKAGE, "Ori_ginal")), FALSE, FALSE, 0);
  gtk_widget_show_all(box);
  return box;
}

inline int help_calls = 0;
inline void fake_help(const gchar*, gpointer) { ++help_calls; }

inline ImpastoDialogHost fake_host(GList* models, const char* preview_file = nullptr) {
  static bool stock = false;  // GIMP registers its icons and button labels at start-up
  if (!stock) gimp_stock_init(), stock = true;
  ImpastoDialogHost host{};
  host.new_layer_picker = fake_layer_picker;
  host.new_preview = preview_file ? fake_preview : nullptr;
  host.help = fake_help;
  host.data = const_cast<char*>(preview_file);
  host.models = models;
  return host;
}

inline void process_events() {
  while (gtk_events_pending()) gtk_main_iteration();
}

}  // namespace impasto::test
