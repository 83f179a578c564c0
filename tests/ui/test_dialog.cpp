// The Style Transfer dialog outside GIMP (under Xvfb): its settings round-trip
// exactly to the procedure arguments, presets, method switching, Reset,
// change notification and keyboard access.
#include "dialog_host.h"
#include <gdk/gdkkeysyms.h>
#include "impasto-model-install.h"
#include "impasto-parameters.h"

#include <gtest/gtest.h>

#include <glib/gstdio.h>
#include <glib/gi18n-lib.h>

#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

using namespace impasto::test;

namespace {

ImpastoSettings gatys_settings() {
  ImpastoSettings s;
  impasto_settings_init(&s);
  s.method = IMPASTO_METHOD_GATYS;
  s.style_drawable = kPaintingLayer;
  g_strlcpy(s.style_path, "/tmp/impasto-a.png" G_SEARCHPATH_SEPARATOR_S "/tmp/impasto-b.png", sizeof s.style_path);
  g_strlcpy(s.style_weights, "0.5,2,1.25", sizeof s.style_weights);
  s.content_weight = 3.5;
  s.style_weight = 12.0;
  s.tv_weight = 0.05;
  s.style_scale = 1.5;
  s.iterations = 77;
  s.size = 448;
  s.network = IMPASTO_NETWORK_RANDOM;
  s.optimizer = 1;
  s.init = 2;
  s.seed = 4242;
  s.preserve_colors = 2;
  s.threads = 3;
  // Not shown in the dialog: must survive untouched.
  s.learning_rate = 0.5;
  s.multiscale = 2;
  s.pooling = 1;
  g_strlcpy(s.content_layers, "relu4_2", sizeof s.content_layers);
  g_strlcpy(s.model, "wave", sizeof s.model);
  return s;
}

ImpastoSettings model_settings() {
  ImpastoSettings s;
  impasto_settings_init(&s);
  s.method = IMPASTO_METHOD_MODEL;
  g_strlcpy(s.model, "/elsewhere/my-model", sizeof s.model);  // not installed: still kept
  s.strength = 0.4;
  s.scale = 0.5;
  s.alpha = 0.75;
  s.tile_size = 512;
  s.preserve_colors = 1;
  s.threads = 2;
  return s;
}

void expect_same(const ImpastoSettings& a, const ImpastoSettings& b) {
  // Fixed-size, pointer-free, zero-initialised: compare field by field for
  // readable failures, then as bytes.
  EXPECT_EQ(a.method, b.method);
  EXPECT_STREQ(a.model, b.model);
  EXPECT_EQ(a.style_drawable, b.style_drawable);
  EXPECT_STREQ(a.style_path, b.style_path);
  EXPECT_STREQ(a.style_weights, b.style_weights);
  EXPECT_DOUBLE_EQ(a.content_weight, b.content_weight);
  EXPECT_DOUBLE_EQ(a.style_weight, b.style_weight);
  EXPECT_DOUBLE_EQ(a.tv_weight, b.tv_weight);
  EXPECT_DOUBLE_EQ(a.style_scale, b.style_scale);
  EXPECT_EQ(a.iterations, b.iterations);
  EXPECT_EQ(a.size, b.size);
  EXPECT_EQ(a.network, b.network);
  EXPECT_EQ(a.optimizer, b.optimizer);
  EXPECT_EQ(a.init, b.init);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_DOUBLE_EQ(a.strength, b.strength);
  EXPECT_DOUBLE_EQ(a.scale, b.scale);
  EXPECT_DOUBLE_EQ(a.alpha, b.alpha);
  EXPECT_EQ(a.tile_size, b.tile_size);
  EXPECT_EQ(a.preserve_colors, b.preserve_colors);
  EXPECT_EQ(a.threads, b.threads);
  EXPECT_DOUBLE_EQ(a.learning_rate, b.learning_rate);
  EXPECT_EQ(a.multiscale, b.multiscale);
  EXPECT_EQ(a.pooling, b.pooling);
  EXPECT_STREQ(a.content_layers, b.content_layers);
  EXPECT_EQ(std::memcmp(&a, &b, sizeof a), 0);
}

class Dialog : public ::testing::Test {
 protected:
  void SetUp() override {
    models_ = impasto_list_models();
    // Real images: OK waits for readable style files.
    gchar* png = nullptr;
    gsize size = 0;
    const std::string painting = std::string(g_getenv("IMPASTO_STYLES_DIR")) + "/starry-night/style.png";
    ASSERT_TRUE(g_file_get_contents(painting.c_str(), &png, &size, nullptr)) << painting;
    for (const char* f : {"/tmp/impasto-a.png", "/tmp/impasto-b.png"}) g_file_set_contents(f, png, size, nullptr);
    g_free(png);
  }
  void TearDown() override {
    if (dialog_) impasto_dialog_destroy(dialog_);
    impasto_model_list_free(models_);
  }
  ImpastoDialog* open(const ImpastoSettings& s, const char* preview_file = nullptr) {
    auto host = fake_host(models_, preview_file);
    dialog_ = impasto_dialog_new(&s, &host);
    gtk_widget_show(impasto_dialog_get_window(dialog_));
    process_events();
    return dialog_;
  }
  GtkAdjustment* adj(const char* key) { return GTK_ADJUSTMENT(impasto_dialog_lookup(dialog_, key)); }
  GList* models_ = nullptr;
  ImpastoDialog* dialog_ = nullptr;
};

}  // namespace

TEST_F(Dialog, GatysSettingsRoundTripExactly) {
  ImpastoSettings in = gatys_settings(), out;
  std::memset(&out, 0x55, sizeof out);
  impasto_dialog_get_settings(open(in), &out);
  expect_same(in, out);
}

TEST_F(Dialog, PretrainedSettingsRoundTripExactly) {
  ImpastoSettings in = model_settings(), out;
  impasto_dialog_get_settings(open(in), &out);
  expect_same(in, out);
}

TEST_F(Dialog, ListsTheBuiltInAndInstalledModels) {
  ASSERT_NE(models_, nullptr) << "no models found: IMPASTO_STYLES_DIR / IMPASTO_MODEL_DIR";
  bool builtin = false;
  for (GList* l = models_; l; l = l->next) builtin |= static_cast<ImpastoModelInfo*>(l->data)->builtin;
  EXPECT_TRUE(builtin) << "the styles that ship with Impasto are listed";
  auto* first = static_cast<ImpastoModelInfo*>(models_->data);
  ImpastoSettings s = model_settings();
  g_strlcpy(s.model, first->name, sizeof s.model);
  ImpastoSettings out;
  impasto_dialog_get_settings(open(s), &out);
  EXPECT_STREQ(out.model, first->name);
}

TEST_F(Dialog, StyleAmountOnlyForModelsThatTakeAStyle) {
  ImpastoSettings s = model_settings();
  g_strlcpy(s.model, static_cast<ImpastoModelInfo*>(models_->data)->name, sizeof s.model);
  open(s);
  GtkWidget* alpha_scale = GTK_WIDGET(g_object_get_data(impasto_dialog_lookup(dialog_, "alpha"), "scale"));
  ASSERT_NE(alpha_scale, nullptr);
  EXPECT_FALSE(gtk_widget_is_sensitive(alpha_scale)) << "an ml5 style takes no style image";
  // A greyed control shows no tooltip in GTK 2: the dialog says why.
  GtkWidget* why = GTK_WIDGET(impasto_dialog_lookup(dialog_, "alpha-why"));
  EXPECT_TRUE(gtk_widget_get_visible(why));
  EXPECT_NE(std::string(gtk_label_get_text(GTK_LABEL(why))).find("AdaIN"), std::string::npos);
}

TEST_F(Dialog, QualityPresetsSetTheRawNumbersAndBack) {
  open(gatys_settings());
  auto* quality = GIMP_INT_COMBO_BOX(impasto_dialog_lookup(dialog_, "quality"));
  gint q = -1;
  gimp_int_combo_box_get_active(quality, &q);
  EXPECT_EQ(q, IMPASTO_QUALITY_CUSTOM) << "77 iterations at 448 px is no preset";
  gimp_int_combo_box_set_active(quality, IMPASTO_QUALITY_FINE);
  EXPECT_EQ(gtk_adjustment_get_value(adj("iterations")), 300);
  EXPECT_EQ(gtk_adjustment_get_value(adj("size")), 512);
  auto* full = GTK_TOGGLE_BUTTON(impasto_dialog_lookup(dialog_, "full-resolution"));
  EXPECT_TRUE(gtk_toggle_button_get_active(full)) << "Fine paints at the layer's own pixels";
  gimp_int_combo_box_set_active(quality, IMPASTO_QUALITY_DRAFT);
  EXPECT_EQ(gtk_adjustment_get_value(adj("iterations")), 60);
  EXPECT_FALSE(gtk_toggle_button_get_active(full)) << "Draft stops at the processing size";
  gtk_adjustment_set_value(adj("iterations"), 61);
  gimp_int_combo_box_get_active(quality, &q);
  EXPECT_EQ(q, IMPASTO_QUALITY_CUSTOM);
  gtk_adjustment_set_value(adj("iterations"), 150);
  gtk_adjustment_set_value(adj("size"), 384);
  gimp_int_combo_box_get_active(quality, &q);
  EXPECT_EQ(q, IMPASTO_QUALITY_CUSTOM) << "Balanced also paints at full resolution";
  gtk_toggle_button_set_active(full, TRUE);
  gimp_int_combo_box_get_active(quality, &q);
  EXPECT_EQ(q, IMPASTO_QUALITY_BALANCED);
  ImpastoSettings out;
  impasto_dialog_get_settings(dialog_, &out);
  EXPECT_EQ(out.full_resolution, 1);
}

TEST_F(Dialog, SwitchingMethodKeepsTheSharedSettings) {
  open(gatys_settings());
  gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(impasto_dialog_lookup(dialog_, "method-model")), TRUE);
  ImpastoSettings out;
  impasto_dialog_get_settings(dialog_, &out);
  EXPECT_EQ(out.method, IMPASTO_METHOD_MODEL);
  EXPECT_EQ(out.preserve_colors, 2);
  EXPECT_EQ(out.threads, 3);
  EXPECT_DOUBLE_EQ(out.style_weight, 12.0) << "the other method's settings are kept too";
  gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(impasto_dialog_lookup(dialog_, "method-gatys")), TRUE);
  impasto_dialog_get_settings(dialog_, &out);
  expect_same(gatys_settings(), out);
}

namespace {
int change_count = 0;
void count_change(ImpastoDialog*, gpointer) { ++change_count; }
}  // namespace

TEST_F(Dialog, ReportsChangesButNotItsOwnUpdates) {
  open(gatys_settings());
  change_count = 0;
  impasto_dialog_on_change(dialog_, G_CALLBACK(count_change), nullptr);
  ImpastoSettings s = model_settings();
  impasto_dialog_set_settings(dialog_, &s);
  EXPECT_EQ(change_count, 0);
  gtk_adjustment_set_value(adj("strength"), 0.9);
  EXPECT_EQ(change_count, 1);
  gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(impasto_dialog_lookup(dialog_, "method-gatys")), TRUE);
  EXPECT_GE(change_count, 2);
}

namespace {
gboolean press(gpointer data) {
  auto* d = static_cast<ImpastoDialog*>(data);
  static int step = 0;
  gtk_dialog_response(GTK_DIALOG(impasto_dialog_get_window(d)), step++ == 0 ? 1 /* Reset */ : GTK_RESPONSE_OK);
  return step < 2;
}
}  // namespace

TEST_F(Dialog, ResetRestoresDefaultsButKeepsWhatToWorkOn) {
  ImpastoSettings in = gatys_settings(), out;
  open(in);
  g_timeout_add(50, press, dialog_);
  ASSERT_TRUE(impasto_dialog_run(dialog_, &out));
  ImpastoSettings defaults;
  impasto_settings_init(&defaults);
  EXPECT_DOUBLE_EQ(out.style_weight, defaults.style_weight);
  EXPECT_EQ(out.iterations, defaults.iterations);
  EXPECT_EQ(out.seed, defaults.seed);
  EXPECT_EQ(out.style_drawable, in.style_drawable);
  EXPECT_STREQ(out.style_path, in.style_path);
  EXPECT_STREQ(out.style_weights, "1,1,1");
}

namespace {
// Every label with a mnemonic points at a widget; every input has a tooltip
// or a mnemonic label.
void check_widget(GtkWidget* w, int* labels, int* missing) {
  if (GTK_IS_LABEL(w) && gtk_label_get_use_underline(GTK_LABEL(w))) {
    ++*labels;
    if (!gtk_label_get_mnemonic_widget(GTK_LABEL(w)) && !GTK_IS_BUTTON(gtk_widget_get_parent(w)) &&
        !GTK_IS_EXPANDER(gtk_widget_get_parent(w))) {
      ADD_FAILURE() << "mnemonic label without a target: " << gtk_label_get_text(GTK_LABEL(w));
      ++*missing;
    }
  }
  if (GTK_IS_CONTAINER(w)) {
    GList* children = gtk_container_get_children(GTK_CONTAINER(w));
    for (GList* l = children; l; l = l->next) check_widget(GTK_WIDGET(l->data), labels, missing);
    g_list_free(children);
  }
}
}  // namespace

namespace {
// The labels of the mnemonics a user can press now (shown), by key.
void shown_mnemonics(GtkWidget* w, std::map<guint, std::vector<std::string>>* keys) {
  if (!gtk_widget_get_mapped(w)) return;
  if (GTK_IS_LABEL(w)) {
    const guint key = gtk_label_get_mnemonic_keyval(GTK_LABEL(w));
    if (key != GDK_VoidSymbol) (*keys)[gdk_keyval_to_lower(key)].push_back(gtk_label_get_label(GTK_LABEL(w)));
  }
  // forall: an expander's label is an internal child.
  if (GTK_IS_CONTAINER(w))
    gtk_container_forall(
        GTK_CONTAINER(w),
        [](GtkWidget* child, gpointer data) {
          shown_mnemonics(child, static_cast<std::map<guint, std::vector<std::string>>*>(data));
        },
        keys);
}

// Alt+key with two targets only cycles the focus between them.
void expect_unique_mnemonics(GtkWidget* window, const char* where) {
  for (int i = 0; i < 100; ++i) process_events(), g_usleep(2000);
  std::map<guint, std::vector<std::string>> keys;
  shown_mnemonics(window, &keys);
  EXPECT_GE(keys.size(), 8u) << where;
  for (const auto& [key, labels] : keys)
    if (labels.size() > 1) {
      std::string all;
      for (const auto& l : labels) all += " \"" + l + "\"";
      ADD_FAILURE() << where << ": Alt+" << gdk_keyval_name(key) << " belongs to" << all;
    }
}
}  // namespace

// With Advanced open, the optimisation page shows more labels than their
// letters allow; the controls shown by default each get a key of their own.
TEST_F(Dialog, NoTwoShownControlsShareAKey) {
  if (g_getenv("IMPASTO_TEST_TRANSLATED"))
    ASSERT_STRNE(g_dgettext(GETTEXT_PACKAGE, "Ad_vanced"), "Ad_vanced") << "the translation did not load";
  GtkWidget* window = impasto_dialog_get_window(open(gatys_settings(), "/tmp/impasto-a.png"));
  expect_unique_mnemonics(window, "optimisation");
  gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(impasto_dialog_lookup(dialog_, "method-model")), TRUE);
  expect_unique_mnemonics(window, "pretrained");
  gtk_expander_set_expanded(GTK_EXPANDER(impasto_dialog_lookup(dialog_, "advanced-model")), TRUE);
  expect_unique_mnemonics(window, "pretrained, Advanced open");
}

TEST_F(Dialog, EveryControlHasAMnemonic) {
  open(gatys_settings());
  int labels = 0, missing = 0;
  check_widget(impasto_dialog_get_window(dialog_), &labels, &missing);
  EXPECT_GE(labels, 20);
  EXPECT_EQ(missing, 0);
}

int main(int argc, char** argv) {
  gtk_init(&argc, &argv);  // sets the locale from the environment
  if (const char* localedir = g_getenv("IMPASTO_LOCALEDIR")) {
    bindtextdomain(GETTEXT_PACKAGE, localedir);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

namespace {
// Lets the file chooser button finish loading its folder.
bool settle(const std::function<bool()>& done) {
  for (int i = 0; i < 200 && !done(); ++i) {
    process_events();
    g_usleep(10000);
  }
  return done();
}
}  // namespace

TEST_F(Dialog, OkWaitsForAUsableStyleAndSaysWhy) {
  ImpastoSettings s;
  impasto_settings_init(&s);
  s.method = IMPASTO_METHOD_GATYS;
  s.style_drawable = -1;
  s.style_path[0] = '\0';
  open(s);
  // The first run ticks the painting layer (FirstRunTakesTheStyleFromThePaintingLayer): untick it.
  gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(impasto_dialog_lookup(dialog_, "use-style-layer")), FALSE);
  process_events();
  GtkWidget* why = GTK_WIDGET(impasto_dialog_lookup(dialog_, "not-ready"));
  GtkWidget* problem = GTK_WIDGET(impasto_dialog_lookup(dialog_, "style-file-1-problem"));
  GtkFileChooser* chooser = GTK_FILE_CHOOSER(impasto_dialog_lookup(dialog_, "style-file-1"));
  EXPECT_FALSE(impasto_dialog_is_ready(dialog_)) << "no style chosen";
  EXPECT_TRUE(gtk_widget_get_visible(why));
  EXPECT_NE(std::string(gtk_label_get_text(GTK_LABEL(why))), "");

  // A text file named like a JPEG: said next to the chooser, OK stays off.
  const char* notes = "/tmp/impasto-notes.jpg";
  g_file_set_contents(notes, "these are my notes", -1, nullptr);
  gtk_file_chooser_set_filename(chooser, notes);
  EXPECT_TRUE(settle([&] { return gtk_widget_get_visible(problem); })) << "no message for a file that is not an image";
  EXPECT_NE(std::string(gtk_label_get_text(GTK_LABEL(problem))).find("could not be read"), std::string::npos);
  EXPECT_FALSE(impasto_dialog_is_ready(dialog_));

  // A real image: ready, nothing to say.
  const std::string painting = std::string(g_getenv("IMPASTO_STYLES_DIR")) + "/starry-night/style.png";
  gtk_file_chooser_set_filename(chooser, painting.c_str());
  EXPECT_TRUE(settle([&] { return impasto_dialog_is_ready(dialog_); })) << gtk_label_get_text(GTK_LABEL(why));
  EXPECT_FALSE(gtk_widget_get_visible(problem));
  EXPECT_FALSE(gtk_widget_get_visible(why));
  g_unlink(notes);
}

TEST_F(Dialog, OkWaitsForAPretrainedStyle) {
  ImpastoSettings s = model_settings();
  s.model[0] = '\0';
  open(s);
  GtkTreeSelection* selection = gtk_tree_view_get_selection(GTK_TREE_VIEW(impasto_dialog_lookup(dialog_, "model")));
  gtk_tree_selection_unselect_all(selection);
  process_events();
  EXPECT_FALSE(impasto_dialog_is_ready(dialog_));
  GtkTreeIter iter;
  ASSERT_TRUE(gtk_tree_model_get_iter_first(gtk_tree_view_get_model(gtk_tree_selection_get_tree_view(selection)), &iter));
  gtk_tree_selection_select_iter(selection, &iter);
  process_events();
  EXPECT_TRUE(impasto_dialog_is_ready(dialog_));
}

TEST_F(Dialog, FirstRunTakesTheStyleFromThePaintingLayer) {
  ImpastoSettings s, out;
  impasto_settings_init(&s);  // no style chosen yet
  open(s);
  EXPECT_TRUE(gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(impasto_dialog_lookup(dialog_, "use-style-layer"))));
  EXPECT_TRUE(impasto_dialog_is_ready(dialog_));
  impasto_dialog_get_settings(dialog_, &out);
  EXPECT_EQ(out.style_drawable, kPaintingLayer);
}

TEST_F(Dialog, FitsA768PixelScreenAndShrinksBackWhenAdvancedCloses) {
  open(gatys_settings());
  GtkWindow* window = GTK_WINDOW(impasto_dialog_get_window(dialog_));
  GtkExpander* advanced = GTK_EXPANDER(impasto_dialog_lookup(dialog_, "advanced-gatys"));
  int w, closed, opened, again;
  gtk_window_get_size(window, &w, &closed);
  gtk_expander_set_expanded(advanced, TRUE);
  for (int i = 0; i < 100; ++i) process_events(), g_usleep(10000);
  gtk_window_get_size(window, &w, &opened);
  EXPECT_GT(opened, closed);
  // The fake preview is 300 px; GIMP's is 400, beside the controls, not above.
  EXPECT_LE(opened, 768 - 60) << "window title and a panel must fit too";
  gtk_expander_set_expanded(advanced, FALSE);
  for (int i = 0; i < 100; ++i) process_events(), g_usleep(10000);
  gtk_window_get_size(window, &w, &again);
  EXPECT_EQ(again, closed) << "closing Advanced left a gap";
}

TEST_F(Dialog, ThreadsSitUnderEachMethodsAdvancedAndAgree) {
  ImpastoSettings s = model_settings(), out;  // threads = 2
  open(s);
  EXPECT_DOUBLE_EQ(gtk_adjustment_get_value(adj("threads-model")), 2.0);
  gtk_adjustment_set_value(adj("threads-model"), 5.0);
  EXPECT_DOUBLE_EQ(gtk_adjustment_get_value(adj("threads")), 5.0);
  impasto_dialog_get_settings(dialog_, &out);
  EXPECT_EQ(out.threads, 5);
}

namespace {

// A private model folder for the tests that install models; the list and
// the environment come back afterwards.
class InstallModels : public Dialog {
 protected:
  void SetUp() override {
    Dialog::SetUp();
    shared_ = g_getenv("IMPASTO_TEST_SHARED") ? g_getenv("IMPASTO_TEST_SHARED") : "";
    old_dir_ = g_getenv("IMPASTO_MODEL_DIR") ? g_getenv("IMPASTO_MODEL_DIR") : "";
    dir_ = g_dir_make_tmp("impasto-models-XXXXXX", nullptr);
    g_setenv("IMPASTO_MODEL_DIR", dir_, TRUE);
  }
  void TearDown() override {
    Dialog::TearDown();
    std::string rm = std::string("rm -rf '") + dir_ + "'";
    ASSERT_EQ(system(rm.c_str()), 0);
    g_free(dir_);
    g_setenv("IMPASTO_MODEL_DIR", old_dir_.c_str(), TRUE);
    g_unsetenv("IMPASTO_FETCH_MIRROR");
  }
  GtkWidget* install() { return GTK_WIDGET(impasto_dialog_lookup(dialog_, "model-install")); }
  std::string in_models(const char* name) { return std::string(dir_) + "/" + name; }
  // What the model folder holds, temporary folders included.
  std::vector<std::string> folder_entries() {
    std::vector<std::string> names;
    GDir* d = g_dir_open(dir_, 0, nullptr);
    for (const char* n; d && (n = g_dir_read_name(d));) names.emplace_back(n);
    if (d) g_dir_close(d);
    return names;
  }
  std::string chosen_model() {
    ImpastoSettings out;
    impasto_dialog_get_settings(dialog_, &out);
    return out.model;
  }
  bool wave_available() { return g_file_test((shared_ + "/models/fast-style-ml5/wave").c_str(), G_FILE_TEST_IS_DIR); }
  std::string shared_, old_dir_;
  gchar* dir_ = nullptr;
};

// The check the plug-in makes (it runs the model): here, a stand-in that
// refuses files named "broken".
gboolean refuse_broken(const gchar* path, GError** error, gpointer) {
  if (!strstr(path, "broken")) return TRUE;
  g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_FAILED, "the model cannot be loaded");
  return FALSE;
}

ImpastoSettings pretrained() {
  ImpastoSettings s;
  impasto_settings_init(&s);
  s.method = IMPASTO_METHOD_MODEL;
  return s;
}

}  // namespace

TEST_F(InstallModels, NoDeveloperInstructionsInTheDialog) {
  open(pretrained());
  std::function<bool(GtkWidget*)> mentions_fetch = [&](GtkWidget* w) {
    if (GTK_IS_LABEL(w) && strstr(gtk_label_get_text(GTK_LABEL(w)), "models/fetch")) return true;
    if (GTK_IS_CONTAINER(w)) {
      GList* children = gtk_container_get_children(GTK_CONTAINER(w));
      bool found = false;
      for (GList* l = children; l && !found; l = l->next) found = mentions_fetch(GTK_WIDGET(l->data));
      g_list_free(children);
      return found;
    }
    return false;
  };
  EXPECT_FALSE(mentions_fetch(impasto_dialog_get_window(dialog_)));
  ASSERT_NE(install(), nullptr);
}

TEST_F(InstallModels, AddModelCopiesACheckedModelAndChoosesIt) {
  if (!wave_available()) GTEST_SKIP() << "../shared is absent: no ml5 model to add";
  auto host = fake_host(models_);
  host.check_model = refuse_broken;
  ImpastoSettings s = pretrained();
  dialog_ = impasto_dialog_new(&s, &host);
  gtk_widget_show(impasto_dialog_get_window(dialog_));
  process_events();

  // The user picks the manifest.json inside an ml5 model's folder: the
  // folder is the model.
  impasto_model_install_add(install(), (shared_ + "/models/fast-style-ml5/wave/manifest.json").c_str());
  EXPECT_NE(std::string(impasto_model_install_message(install())).find("Added “wave”"), std::string::npos)
      << impasto_model_install_message(install());
  EXPECT_TRUE(g_file_test(in_models("wave/manifest.json").c_str(), G_FILE_TEST_IS_REGULAR));
  EXPECT_TRUE(g_file_test(in_models("wave/Variable_47").c_str(), G_FILE_TEST_IS_REGULAR));
  EXPECT_EQ(chosen_model(), "wave") << "listed at once and chosen";
  // The same again is listed beside it, not over it.
  impasto_model_install_add(install(), (shared_ + "/models/fast-style-ml5/wave").c_str());
  EXPECT_TRUE(g_file_test(in_models("wave-2/manifest.json").c_str(), G_FILE_TEST_IS_REGULAR));
  EXPECT_EQ(chosen_model(), "wave-2");

  // Not a model, and a model the check refuses: a message, nothing copied.
  const std::string notes = std::string(dir_) + "-notes.txt", broken = std::string(dir_) + "-broken.pth";
  g_file_set_contents(notes.c_str(), "hello", -1, nullptr);
  g_file_set_contents(broken.c_str(), "not a checkpoint", -1, nullptr);
  impasto_model_install_add(install(), notes.c_str());
  EXPECT_NE(std::string(impasto_model_install_message(install())).find("is not a style model"), std::string::npos)
      << impasto_model_install_message(install());
  impasto_model_install_add(install(), broken.c_str());
  EXPECT_NE(std::string(impasto_model_install_message(install())).find("the model cannot be loaded"), std::string::npos)
      << impasto_model_install_message(install());
  EXPECT_EQ(folder_entries().size(), 2u) << "wave and wave-2 only: no copy of a refused file, no temporary folder";
  EXPECT_EQ(chosen_model(), "wave-2");
  g_unlink(notes.c_str());
  g_unlink(broken.c_str());
}

namespace {
bool wait_for_download(GtkWidget* install) {
  for (int i = 0; i < 6000 && impasto_model_install_busy(install); ++i) {
    process_events();
    g_usleep(10000);
  }
  process_events();
  return !impasto_model_install_busy(install);
}
}  // namespace

TEST_F(InstallModels, DownloadInstallsACatalogueStyleWithItsPicture) {
  if (!wave_available()) GTEST_SKIP() << "../shared is absent: no local copy of the download site";
  // The local copy of the site stands in for the internet.
  g_setenv("IMPASTO_FETCH_MIRROR", (shared_ + "/models/fast-style-ml5").c_str(), TRUE);
  open(pretrained());
  impasto_model_install_download(install(), "wave");
  EXPECT_TRUE(impasto_model_install_busy(install()));
  ASSERT_TRUE(wait_for_download(install()));
  EXPECT_STREQ(impasto_model_install_message(install()), "Downloaded “The Great Wave (Hokusai)”.");
  EXPECT_TRUE(g_file_test(in_models("wave/style.png").c_str(), G_FILE_TEST_IS_REGULAR));
  EXPECT_EQ(chosen_model(), "wave");
  // Listed with its picture.
  GList* models = impasto_list_models();
  bool pictured = false;
  for (GList* l = models; l; l = l->next) {
    auto* m = static_cast<ImpastoModelInfo*>(l->data);
    if (!strcmp(m->name, "wave")) pictured = m->thumbnail != nullptr;
  }
  impasto_model_list_free(models);
  EXPECT_TRUE(pictured);
  // And no longer offered for download.
  GList* offered = impasto_list_downloadable();
  for (GList* l = offered; l; l = l->next) EXPECT_STRNE(static_cast<ImpastoModelInfo*>(l->data)->name, "wave");
  // The other six ml5 styles and Tiny Darknet; the rest have no pinned checksums.
  EXPECT_EQ(g_list_length(offered), 7u);
  impasto_model_list_free(offered);
}

TEST_F(InstallModels, DownloadsTheLossNetworkWithoutChoosingItAsAStyle) {
  if (!g_file_test((shared_ + "/models/darknet-tiny").c_str(), G_FILE_TEST_IS_DIR))
    GTEST_SKIP() << "../shared is absent: no local copy of Tiny Darknet";
  g_setenv("IMPASTO_FETCH_MIRROR", (shared_ + "/models").c_str(), TRUE);
  ImpastoSettings s = pretrained();
  g_strlcpy(s.model, "woman-with-a-hat", sizeof s.model);
  open(s);
  impasto_model_install_download(install(), "darknet-tiny");
  ASSERT_TRUE(wait_for_download(install()));
  EXPECT_TRUE(g_file_test(in_models("darknet-tiny/model.json").c_str(), G_FILE_TEST_IS_REGULAR))
      << impasto_model_install_message(install());
  EXPECT_EQ(chosen_model(), "woman-with-a-hat") << "the chosen style stays";
}

TEST_F(InstallModels, DownloadSaysPlainlyWhenTheSiteCannotBeReached) {
  g_setenv("IMPASTO_FETCH_MIRROR", "http://127.0.0.1:9", TRUE);  // nothing listens on the discard port
  open(pretrained());
  impasto_model_install_download(install(), "udnie");
  ASSERT_TRUE(wait_for_download(install()));
  const std::string said = impasto_model_install_message(install());
  EXPECT_NE(said.find("cannot reach the download site"), std::string::npos) << said;
  EXPECT_NE(said.find("offline"), std::string::npos) << said;
  EXPECT_TRUE(folder_entries().empty()) << "nothing installed, nothing left behind";
}

TEST_F(InstallModels, CancelStopsTheDownloadAndInstallsNothing) {
  if (!wave_available()) GTEST_SKIP() << "../shared is absent: no local copy of the download site";
  g_setenv("IMPASTO_FETCH_MIRROR", (shared_ + "/models/fast-style-ml5").c_str(), TRUE);
  open(pretrained());
  impasto_model_install_download(install(), "scream");
  // The user presses Cancel in the download window while it runs.
  GtkWidget* window = nullptr;
  GList* toplevels = gtk_window_list_toplevels();
  for (GList* t = toplevels; t; t = t->next)
    if (!g_strcmp0(gtk_window_get_title(GTK_WINDOW(t->data)), "Download Styles")) window = GTK_WIDGET(t->data);
  g_list_free(toplevels);
  ASSERT_NE(window, nullptr);
  gtk_dialog_response(GTK_DIALOG(window), GTK_RESPONSE_CANCEL);
  ASSERT_TRUE(wait_for_download(install()));
  EXPECT_NE(std::string(impasto_model_install_message(install())).find("stopped"), std::string::npos)
      << impasto_model_install_message(install());
  EXPECT_FALSE(g_file_test(in_models("scream").c_str(), G_FILE_TEST_EXISTS));
  const auto left = folder_entries();
  EXPECT_TRUE(left.empty()) << "left behind: " << left.front();
}

TEST_F(InstallModels, ClosingTheDialogDuringADownloadStopsItSafely) {
  if (!wave_available()) GTEST_SKIP() << "../shared is absent: no local copy of the download site";
  g_setenv("IMPASTO_FETCH_MIRROR", (shared_ + "/models/fast-style-ml5").c_str(), TRUE);
  open(pretrained());
  impasto_model_install_download(install(), "matta");
  impasto_dialog_destroy(dialog_);
  dialog_ = nullptr;
  // The download program is stopped; its end arrives after the dialog.
  for (int i = 0; i < 300; ++i) {
    process_events();
    g_usleep(10000);
  }
  EXPECT_FALSE(g_file_test(in_models("matta").c_str(), G_FILE_TEST_EXISTS));
  const auto left = folder_entries();
  EXPECT_TRUE(left.empty()) << "left behind: " << left.front();
}

// The dialog's widgets take their ranges and defaults from the parameter
// rows (impasto/parameters.h), like the GEGL ops, the settings and the PDB
// (tests/common/test_parameters.cpp): what can be typed is the row's range,
// what a new dialog shows is its default.
TEST_F(Dialog, EveryWidgetHasItsParametersRangeAndDefault) {
  ImpastoSettings defaults;
  impasto_settings_init(&defaults);
  open(defaults);
  guint n = 0;
  const ImpastoParameter* p = impasto_parameters(&n);
  int checked = 0;
  for (guint i = 0; i < n; ++i) {
    GObject* widget = impasto_dialog_lookup(dialog_, p[i].key);
    if (!widget || !GTK_IS_ADJUSTMENT(widget)) continue;
    SCOPED_TRACE(p[i].key);
    GtkAdjustment* a = GTK_ADJUSTMENT(widget);
    EXPECT_DOUBLE_EQ(gtk_adjustment_get_lower(a), p[i].min);
    EXPECT_DOUBLE_EQ(gtk_adjustment_get_upper(a), p[i].max);
    EXPECT_DOUBLE_EQ(gtk_adjustment_get_value(a), p[i].default_value);
    ++checked;
  }
  // content, style, smoothness, detail, iterations, size, seed, strength,
  // scale, alpha, tile size, threads
  EXPECT_EQ(checked, 12);
}
